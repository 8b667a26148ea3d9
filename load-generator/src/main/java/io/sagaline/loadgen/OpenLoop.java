package io.sagaline.loadgen;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * Sends orders at a fixed arrival rate, whatever the system answers: the n-th order is due at
 * start + n / rate, and its latency counts from that due time, not from when it was actually sent
 * (so a stalled generator or a slow system cannot hide latency, the coordinated-omission trap).
 *
 * <p>A phase is a warm-up followed by the measured window. Only orders due inside the window are
 * recorded in the latency histogram; throughput counts the orders that reached their terminal state
 * inside the window, whenever they were sent. After the window the phase waits for the orders still
 * under way, up to a drain limit; any still unfinished then are recorded with the time they had
 * waited so far, a lower bound, and counted as unfinished.
 */
final class OpenLoop {

    /** Told of the measured window's start and end, on a thread of its own, and of every order that ended. */
    interface Window {
        default void opened() {}

        default void closed() {}

        /** Called for every order that ended, with its due time, on the thread that learnt of it. */
        default void ended(long dueMicros, Outcome outcome) {}
    }

    private final Target target;
    private final Workload workload;
    private final Progress progress;
    private final int maxInFlight;
    private final Duration drainLimit;

    OpenLoop(Target target, Workload workload, Progress progress, int maxInFlight, Duration drainLimit) {
        this.target = target;
        this.workload = workload;
        this.progress = progress;
        this.maxInFlight = maxInFlight;
        this.drainLimit = drainLimit;
    }

    PhaseResult run(String label, int rate, Duration warmup, Duration measured, Window window) {
        var recorder = new Recorder(3);
        var counts = new ConcurrentHashMap<Outcome.Kind, LongAdder>();
        var errors = new ConcurrentHashMap<String, LongAdder>();
        var inFlight = new AtomicInteger();
        var measuredInFlight = new ConcurrentHashMap<Long, Long>();
        var endedInWindow = new LongAdder();
        var sent = new AtomicLong();
        var ended = new AtomicLong();

        long intervalNanos = 1_000_000_000L / rate;
        long startNanos = System.nanoTime();
        long startMicros = Outcome.nowMicros();
        long windowFromMicros = startMicros + warmup.toNanos() / 1_000;
        long windowToMicros = windowFromMicros + measured.toNanos() / 1_000;
        long totalNanos = warmup.plus(measured).toNanos();

        ScheduledExecutorService side = Executors.newSingleThreadScheduledExecutor();
        side.schedule(window::opened, warmup.toNanos(), TimeUnit.NANOSECONDS);
        var closing = side.schedule(window::closed, totalNanos, TimeUnit.NANOSECONDS);
        var reporter = side.scheduleAtFixedRate(
                () -> progress.say(
                        "  %s %d/s: %3.0f%% of %ds, %d sent, %d ended, %d under way",
                        label,
                        rate,
                        Math.min(100.0, (System.nanoTime() - startNanos) * 100.0 / totalNanos),
                        warmup.plus(measured).toSeconds(),
                        sent.get(),
                        ended.get(),
                        inFlight.get()),
                5,
                5,
                TimeUnit.SECONDS);

        for (long n = 0; n * intervalNanos < totalNanos; n++) {
            long due = startNanos + n * intervalNanos;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            // Latencies end on the wall clock (the saga's end is a database timestamp), so the due
            // time is taken on the wall clock too, minus how late the send is: the wall clock may be
            // slewed against the monotonic one by up to 0.05%, 30 ms over a minute.
            long dueMicros = Outcome.nowMicros() - (System.nanoTime() - due) / 1_000;
            boolean recorded = due - startNanos >= warmup.toNanos();
            sent.incrementAndGet();
            if (inFlight.get() >= maxInFlight) {
                // the generator protects itself; the order counts as lost, not as fast
                counts.computeIfAbsent(Outcome.Kind.ERROR, k -> new LongAdder()).increment();
                errors.computeIfAbsent("generator: over " + maxInFlight + " under way", k -> new LongAdder())
                        .increment();
                continue;
            }
            inFlight.incrementAndGet();
            long id = n;
            if (recorded) {
                measuredInFlight.put(id, dueMicros);
            }
            target.place(workload.next()).thenAccept(outcome -> {
                window.ended(dueMicros, outcome);
                if (outcome.endMicros() >= windowFromMicros
                        && outcome.endMicros() < windowToMicros
                        && outcome.kind() != Outcome.Kind.ERROR
                        && outcome.kind() != Outcome.Kind.REFUSED) {
                    endedInWindow.increment();
                }
                if (recorded && measuredInFlight.remove(id) != null) {
                    if (outcome.kind() != Outcome.Kind.REFUSED) {
                        // A refusal is answered at once; it is no order's latency.
                        recorder.recordValue(Math.max(1, outcome.endMicros() - dueMicros));
                    }
                    counts.computeIfAbsent(outcome.kind(), k -> new LongAdder()).increment();
                    if (outcome.kind() == Outcome.Kind.ERROR) {
                        errors.computeIfAbsent(outcome.detail(), k -> new LongAdder())
                                .increment();
                    }
                }
                ended.incrementAndGet();
                inFlight.decrementAndGet();
            });
        }
        try {
            closing.get();
        } catch (Exception e) {
            throw new IllegalStateException("closing the measured window failed", e);
        }

        long drainUntil = System.nanoTime() + drainLimit.toNanos();
        while (!measuredInFlight.isEmpty() && System.nanoTime() < drainUntil) {
            LockSupport.parkNanos(50_000_000);
        }
        reporter.cancel(false);
        side.shutdown();
        long now = Outcome.nowMicros();
        int unfinished = 0;
        for (Long id : measuredInFlight.keySet()) {
            Long dueMicros = measuredInFlight.remove(id);
            if (dueMicros != null) {
                unfinished++;
                recorder.recordValue(Math.max(1, now - dueMicros));
            }
        }
        Map<Outcome.Kind, Long> byKind = new java.util.EnumMap<>(Outcome.Kind.class);
        counts.forEach((kind, adder) -> byKind.put(kind, adder.sum()));
        Map<String, Long> byError = new java.util.TreeMap<>();
        errors.forEach((detail, adder) -> byError.put(detail, adder.sum()));
        return new PhaseResult(
                target.name(),
                label,
                rate,
                measured,
                recorder.getIntervalHistogram(),
                byKind,
                unfinished,
                byError,
                endedInWindow.sum() / (measured.toNanos() / 1e9));
    }
}
