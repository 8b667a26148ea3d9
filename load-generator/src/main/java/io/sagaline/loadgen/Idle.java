package io.sagaline.loadgen;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * What the running system costs while nobody places an order: CPU per process over a quiet
 * window, after a pause that lets the work of earlier orders end. The generator itself only reads
 * {@code /proc} at the window's two ends (and says how far along it is every 10 s).
 */
final class Idle {

    private static final Duration TICK = Duration.ofSeconds(10);

    private Idle() {}

    static int measure(Options options) {
        Duration settle = options.duration("settle", Duration.ofSeconds(10));
        Duration window = options.duration("duration", Duration.ofSeconds(60));
        var postgres = Postgres.from(options);
        options.rejectUnknown();
        Report.machine(postgres);
        var progress = new Progress();
        progress.say("idle: letting earlier work settle for %d s ...", settle.toSeconds());
        park(settle);
        var processes = ProcessTable.sagaline();
        var from = processes.snapshot();
        long end = System.nanoTime() + window.toNanos();
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            progress.say(
                    "idle: %d of %d s measured, no orders",
                    window.minus(Duration.ofNanos(left)).toSeconds(), window.toSeconds());
            park(Duration.ofNanos(Math.min(left, TICK.toNanos())));
        }
        var usage = processes.usage(from, processes.snapshot());
        System.out.println("Idle, no orders for " + window.toSeconds() + " s (CPU as a share of one core):");
        System.out.print(usage.format());
        return 0;
    }

    private static void park(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        for (long left; (left = until - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
    }
}
