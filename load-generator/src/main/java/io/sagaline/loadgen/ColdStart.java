package io.sagaline.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * How soon a freshly started system keeps up: the workload is seeded, then orders arrive at a fixed
 * rate from the first second, with no warm-up, and every order's latency is filed under the slice
 * of time (5 s by default) in which it was due. The system keeps up from the first slice after
 * which every slice ended all its orders with p99 under the bound.
 *
 * <p>The clock starts when the generator does; {@code bench/checkout warmup} starts it the moment
 * the stack reports ready, so the figure printed is the time from ready to keeping up.
 */
final class ColdStart {

    private ColdStart() {}

    static int measure(Options options) {
        long startNanos = System.nanoTime();
        var progress = new Progress();
        var postgres = Postgres.from(options);
        int rate = options.integer("rate", 20);
        Duration duration = options.duration("duration", Duration.ofSeconds(90));
        Duration slice = options.duration("slice", Duration.ofSeconds(5));
        Duration p99Bound = options.duration("p99Bound", Duration.ofMillis(250));
        int maxInFlight = options.integer("maxInFlight", 20_000);
        Duration drain = options.duration("drain", Duration.ofSeconds(60));
        var workload = Workload.from(options, (int) (rate * duration.toSeconds()));

        try (var http = new Http();
                var target = new SagaTarget(http, options, postgres)) {
            options.rejectUnknown();
            Report.machine(postgres);
            workload.seed(http, target.seeding(), progress);
            double seededAfter = (System.nanoTime() - startNanos) / 1e9;
            progress.say(
                    "cold start: %d orders/s for %d s from the first second, in %d s slices ...",
                    rate, duration.toSeconds(), slice.toSeconds());
            var slices =
                    new Slices(Outcome.nowMicros(), slice, (int) Math.ceilDiv(duration.toNanos(), slice.toNanos()));
            var loop = new OpenLoop(target, workload, progress, maxInFlight, drain);
            PhaseResult phase = loop.run("cold start", rate, Duration.ZERO, duration, slices);
            print(slices, rate, slice, p99Bound, seededAfter, phase);
            return 0;
        }
    }

    private static void print(
            Slices slices, int rate, Duration slice, Duration p99Bound, double seededAfter, PhaseResult phase) {
        long expected = rate * slice.toSeconds();
        System.out.printf(
                "Cold start at %d orders/s (seeding took %.1f s after the stack was ready):%n", rate, seededAfter);
        System.out.printf(
                "%-12s %8s %8s %9s %9s %9s  %s%n",
                "due at s", "offered", "ended", "p50 ms", "p99 ms", "max ms", "kept up");
        List<Boolean> keptUp = new ArrayList<>();
        for (int i = 0; i < slices.count(); i++) {
            Histogram latencies = slices.latencies(i);
            long ended = slices.ended(i);
            boolean ok = ended >= expected
                    && slices.failed(i) == 0
                    && latencies.getValueAtPercentile(99) / 1_000.0 <= p99Bound.toMillis();
            keptUp.add(ok);
            System.out.printf(
                    "%-12s %8d %8d %9.1f %9.1f %9.1f  %s%n",
                    (i * slice.toSeconds()) + "-" + ((i + 1) * slice.toSeconds()),
                    expected,
                    ended,
                    latencies.getValueAtPercentile(50) / 1_000.0,
                    latencies.getValueAtPercentile(99) / 1_000.0,
                    latencies.getMaxValue() / 1_000.0,
                    ok ? "yes" : "no");
        }
        int from = keptUp.size();
        while (from > 0 && keptUp.get(from - 1)) {
            from--;
        }
        System.out.printf(
                "Whole run: p50 %.1f ms, p99 %.1f ms, %d unfinished.%n",
                phase.percentileMillis(50), phase.percentileMillis(99), phase.unfinished());
        if (from == keptUp.size()) {
            System.out.printf(
                    "Not keeping up with %d orders/s (p99 ≤ %d ms) by the end of the run.%n",
                    rate, p99Bound.toMillis());
        } else {
            long second = from * slice.toSeconds();
            System.out.printf(
                    "Kept up with %d orders/s (p99 ≤ %d ms) from second %d of the load: %.0f s after the stack was ready.%n",
                    rate, p99Bound.toMillis(), second, second + seededAfter);
        }
    }

    /** Latencies and counts per slice of due time, filled from the threads that learn of each end. */
    private static final class Slices implements OpenLoop.Window {

        private final long startMicros;
        private final long sliceMicros;
        private final List<Histogram> latencies = new ArrayList<>();
        private final AtomicLongArray ended;
        private final AtomicLongArray failed;

        Slices(long startMicros, Duration slice, int count) {
            this.startMicros = startMicros;
            this.sliceMicros = slice.toNanos() / 1_000;
            for (int i = 0; i < count; i++) {
                latencies.add(new ConcurrentHistogram(3));
            }
            this.ended = new AtomicLongArray(count);
            this.failed = new AtomicLongArray(count);
        }

        @Override
        public void ended(long dueMicros, Outcome outcome) {
            int i = (int) Math.min(count() - 1, Math.max(0, (dueMicros - startMicros) / sliceMicros));
            switch (outcome.kind()) {
                case ERROR, REFUSED -> failed.incrementAndGet(i);
                default -> {
                    ended.incrementAndGet(i);
                    latencies.get(i).recordValue(Math.max(1, outcome.endMicros() - dueMicros));
                }
            }
        }

        int count() {
            return latencies.size();
        }

        Histogram latencies(int i) {
            return latencies.get(i);
        }

        long ended(int i) {
            return ended.get(i);
        }

        long failed(int i) {
            return failed.get(i);
        }
    }
}
