package io.sagaline.loadgen;

import java.time.Duration;

/** Progress lines on standard output, each prefixed with the seconds since the run began. */
final class Progress {

    private final long started = System.nanoTime();
    private long lastTick;

    synchronized void say(String format, Object... args) {
        System.out.printf("[%5.1fs] %s%n", elapsed().toMillis() / 1000.0, String.format(format, args));
        System.out.flush();
    }

    /** Reports {@code done} of {@code total} at most every two seconds, and always the last one. */
    synchronized void tick(String what, int done, int total) {
        long now = System.nanoTime();
        if (done == total || now - lastTick > 2_000_000_000L) {
            lastTick = now;
            say("  %s %d/%d", what, done, total);
        }
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
