package io.sagaline.loadgen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The 2PC baseline's crash scenario: two coordinators share the load; one of them halts between
 * the two phases of a transaction (as {@code kill -9} would stop it) and is started again after a
 * while, as a supervisor would. While it is down, its in-doubt transactions stay prepared in the
 * participants' databases and keep their locks, and every order that needs one of those rows waits
 * at the surviving coordinator. The scenario measures how many transactions were in doubt and how
 * many locks they held, how many orders were blocked and for how long, and how long recovery took.
 */
final class TwoPhaseCrash {

    /** An order that ended: when it was due, when it ended, how. */
    private record Ended(long dueMicros, long endMicros, Outcome.Kind kind) {
        long waitedMillis() {
            return (endMicros - dueMicros) / 1_000;
        }
    }

    /** What the monitor saw, in microseconds since the epoch (0 = never). */
    private static final class Events {
        final AtomicLong killed = new AtomicLong();
        final AtomicLong restarted = new AtomicLong();
        final AtomicLong healthy = new AtomicLong();
        final AtomicLong resolved = new AtomicLong();
        volatile int maxInDoubt;
        volatile int maxLocks;
        volatile String recovery = "";
    }

    private TwoPhaseCrash() {}

    static int run(Options options) {
        var progress = new Progress();
        var postgres = Postgres.from(options);
        Path jar = Path.of(options.text("coordinatorJar", "twopc-coordinator/target/sagaline-twopc-coordinator.jar"));
        // Two coordinators share one server: each gets half the connections and prepared
        // transactions a lone one may use (max_connections 300, max_prepared_transactions 256).
        Map<String, String> settings = new java.util.LinkedHashMap<>(
                Map.of("sagaline.twopc.pool-size", "16", "sagaline.twopc.max-in-flight", "24"));
        settings.putAll(options.passedOn("sagaline."));
        int rate = options.integer("rate", 100);
        Duration beforeKill = options.duration("beforeKill", Duration.ofSeconds(15));
        Duration downtime = options.duration("downtime", Duration.ofSeconds(10));
        Duration duration = options.duration("duration", Duration.ofSeconds(60));
        String haltPoint = options.text("haltPoint", "AFTER_DECISION");
        Duration blockedAfter = options.duration("blockedAfter", Duration.ofSeconds(1));
        Path results = Path.of(options.text("results", "target/bench/results.csv"));
        var workload = Workload.from(options, (int) (rate * duration.toSeconds()));
        // the coordinators alternate, so the one that halts has seen half the orders
        int haltAfter = (int) Math.max(1, rate * beforeKill.toSeconds() / 2);

        try (var http = new Http();
                var survivor = new Coordinator("c2", 8092, jar, results.getParent(), settings);
                var victim = new Coordinator("c1", 8091, jar, results.getParent(), settings)) {
            var target = new TwoPhaseTarget(http, List.of(victim.url(), survivor.url()));
            options.rejectUnknown();
            Report.machine(postgres);
            progress.say("starting coordinators c1 (halts %s its %d-th transaction) and c2 ...", haltPoint, haltAfter);
            survivor.start(http, Map.of());
            victim.start(
                    http,
                    Map.of(
                            "sagaline.twopc.halt-after-prepared",
                            Integer.toString(haltAfter),
                            "sagaline.twopc.halt-point",
                            haltPoint));
            workload.seed(http, target.seeding(), progress);

            var events = new Events();
            var monitor = Thread.ofPlatform()
                    .name("crash-monitor")
                    .start(() -> watch(http, postgres, victim, downtime, events, progress));
            var ended = new ConcurrentLinkedQueue<Ended>();
            var loop = new OpenLoop(target, workload, progress, 20_000, Duration.ofSeconds(120));
            PhaseResult phase = loop.run("2pc-crash", rate, Duration.ZERO, duration, new OpenLoop.Window() {
                @Override
                public void ended(long dueMicros, Outcome outcome) {
                    ended.add(new Ended(dueMicros, outcome.endMicros(), outcome.kind()));
                }
            });
            monitor.join();
            report(phase, List.copyOf(ended), events, rate, haltPoint, downtime, blockedAfter);
            return events.killed.get() == 0 ? 1 : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void watch(
            Http http, Postgres postgres, Coordinator victim, Duration downtime, Events events, Progress progress) {
        long giveUp = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (victim.alive()) {
            if (System.nanoTime() > giveUp) {
                progress.say("coordinator c1 never halted; is halt-after-prepared supported?");
                return;
            }
            LockSupport.parkNanos(20_000_000);
        }
        events.killed.set(Outcome.nowMicros());
        progress.say("coordinator c1 halted between its phases; it stays down for %d s", downtime.toSeconds());
        long restartAt = System.nanoTime() + downtime.toNanos();
        while (System.nanoTime() < restartAt) {
            sample(postgres, events, progress);
            LockSupport.parkNanos(200_000_000);
        }
        events.restarted.set(Outcome.nowMicros());
        progress.say("restarting coordinator c1 ...");
        victim.start(http, Map.of());
        events.healthy.set(Outcome.nowMicros());
        while (sample(postgres, events, progress) != 0) {
            LockSupport.parkNanos(50_000_000);
        }
        events.resolved.set(Outcome.nowMicros());
        events.recovery = http.get(victim.url().resolve("/api/recovery")).body();
        progress.say("coordinator c1 recovered: %s", events.recovery);
    }

    /**
     * Reads what is prepared now, and the locks it holds, from the server itself: the surviving
     * coordinator cannot be asked, its connections wait on those very locks.
     */
    private static int sample(Postgres postgres, Events events, Progress progress) {
        try (var connection = postgres.connect("postgres");
                var rows = connection.createStatement().executeQuery("""
                        SELECT (SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE 'sagaline-2pc:c1:%') AS prepared,
                               (SELECT count(*) FROM pg_locks WHERE pid IS NULL) AS locks
                        """)) {
            rows.next();
            int inDoubt = rows.getInt("prepared");
            events.maxInDoubt = Math.max(events.maxInDoubt, inDoubt);
            events.maxLocks = Math.max(events.maxLocks, rows.getInt("locks"));
            return inDoubt;
        } catch (java.sql.SQLException | IllegalStateException e) {
            progress.say("reading the prepared transactions failed: %s", e.getMessage());
            return -1;
        }
    }

    private static void report(
            PhaseResult phase,
            List<Ended> ended,
            Events events,
            int rate,
            String haltPoint,
            Duration downtime,
            Duration blockedAfter) {
        long killed = events.killed.get();
        if (killed == 0) {
            System.out.println("The coordinator did not halt; nothing to report.");
            return;
        }
        long resolved = events.resolved.get();
        var duringOutage = ended.stream()
                .filter(e -> e.dueMicros() >= killed && e.dueMicros() < resolved)
                .toList();
        var blocked = ended.stream()
                .filter(e -> e.endMicros() > killed && e.waitedMillis() >= blockedAfter.toMillis())
                .toList();
        long longest = blocked.stream().mapToLong(Ended::waitedMillis).max().orElse(0);
        long backToRate = backToRate(ended, resolved, rate);
        System.out.println();
        System.out.printf("2PC coordinator crash (%s), %d orders/s offered to two coordinators:%n", haltPoint, rate);
        System.out.printf(
                "  in doubt while it was down: up to %d prepared transactions holding %d locks%n",
                events.maxInDoubt, events.maxLocks);
        System.out.printf(
                "  orders due while anything was in doubt: %d; orders blocked %d ms or longer: %d;"
                        + " longest wait %.1f s%n",
                duringOutage.size(), blockedAfter.toMillis(), blocked.size(), longest / 1000.0);
        System.out.printf(
                "  restarted after %.1f s, healthy %.1f s later; in-doubt transactions resolved %.1f s"
                        + " after the kill; recovery: %s%n",
                (events.restarted.get() - killed) / 1e6,
                (events.healthy.get() - events.restarted.get()) / 1e6,
                (resolved - killed) / 1e6,
                events.recovery);
        System.out.printf(
                "  throughput back to the offered rate %s after the kill (intended downtime %d s)%n",
                backToRate < 0 ? "never in the run" : String.format("%.1f s", (backToRate - killed) / 1e6),
                downtime.toSeconds());
        System.out.printf(
                "  whole run: %d completed, %d rolled back, %d errors, p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                phase.count(Outcome.Kind.COMPLETED),
                phase.count(Outcome.Kind.COMPENSATED),
                phase.errorCount(),
                phase.percentileMillis(50),
                phase.percentileMillis(99),
                phase.maxMillis());
        System.out.println("  per second from 3 s before the kill (ended/s, the slowest order due that second):");
        for (long second = -3; second <= (resolved - killed) / 1_000_000 + 5; second++) {
            long from = killed + second * 1_000_000;
            long to = from + 1_000_000;
            long endedThen = ended.stream()
                    .filter(e -> e.endMicros() >= from && e.endMicros() < to)
                    .count();
            long slowest = ended.stream()
                    .filter(e -> e.dueMicros() >= from && e.dueMicros() < to)
                    .mapToLong(Ended::waitedMillis)
                    .max()
                    .orElse(0);
            System.out.printf("    %+4d s  %4d ended  slowest %6d ms%n", second, endedThen, slowest);
        }
    }

    /** The start of the first second after {@code from} in which at least 90% of the rate ended; -1 if none. */
    private static long backToRate(List<Ended> ended, long from, int rate) {
        long last = ended.stream().mapToLong(Ended::endMicros).max().orElse(from);
        for (long start = from; start < last; start += 250_000) {
            long window = start;
            long count = ended.stream()
                    .filter(e -> e.endMicros() >= window && e.endMicros() < window + 1_000_000)
                    .count();
            if (count >= 0.9 * rate) {
                return start;
            }
        }
        return -1;
    }
}
