package io.sagaline.loadgen;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints what a run measured: the machine, the ceiling, one line per phase and a closing table. */
final class Report {

    private Report() {}

    /** One phase with what was read around it: CPU and memory per process, and commits. */
    record Row(PhaseResult phase, ProcessTable.Usage usage, double commitsPerOrder, double ceilingSagasPerSecond) {

        double ceilingFraction() {
            return phase.endedPerSecond() / ceilingSagasPerSecond;
        }
    }

    /** Reads the processes' CPU and the databases' commit counters at the window's edges. */
    static final class Probe implements OpenLoop.Window {

        private final ProcessTable processes;
        private final Postgres postgres;
        private final List<String> databases;
        private volatile ProcessTable.Snapshot from;
        private volatile ProcessTable.Snapshot to;
        private volatile long commitsFrom;
        private volatile long commitsTo;

        Probe(ProcessTable processes, Postgres postgres, List<String> databases) {
            this.processes = processes;
            this.postgres = postgres;
            this.databases = databases;
        }

        @Override
        public void opened() {
            commitsFrom = postgres.commits(databases);
            from = processes.snapshot();
        }

        @Override
        public void closed() {
            to = processes.snapshot();
            commitsTo = postgres.commits(databases);
        }

        Row row(PhaseResult phase, Ceiling.Result ceiling, int transactionsPerSaga) {
            double ended = phase.endedPerSecond() * (phase.window().toNanos() / 1e9);
            return new Row(
                    phase,
                    processes.usage(from, to),
                    ended == 0 ? 0 : (commitsTo - commitsFrom) / ended,
                    ceiling.perSecond() / transactionsPerSaga);
        }
    }

    static void machine(Postgres postgres) {
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        String server;
        try (var connection = postgres.connect("postgres");
                var rows = connection.createStatement().executeQuery("SHOW server_version")) {
            rows.next();
            server = "PostgreSQL " + rows.getString(1);
        } catch (SQLException e) {
            server = "PostgreSQL (version unknown)";
        }
        System.out.printf(
                "Machine: %d cores, %d GiB, %s %s, %s; every process on this one host%n",
                os.getAvailableProcessors(),
                Math.round(os.getTotalMemorySize() / (double) (1L << 30)),
                os.getName(),
                os.getVersion(),
                server);
    }

    static void ceiling(Ceiling.Result ceiling, int transactionsPerSaga) {
        System.out.printf(
                "Ceiling: %,.0f saga-step transactions/s (%s, %d clients, %d s); one saga needs %d local transactions,"
                        + " so at most %,.0f sagas/s%n",
                ceiling.perSecond(),
                ceiling.client(),
                ceiling.clients(),
                ceiling.duration().toSeconds(),
                transactionsPerSaga,
                ceiling.perSecond() / transactionsPerSaga);
    }

    static void phase(Row row) {
        PhaseResult p = row.phase();
        System.out.printf(
                "%s at %d/s: %.1f ended/s (%.0f%% of the ceiling), p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
                        + " max %.1f ms; %d completed, %d compensated, %d failed, %d errors, %d refused (429),"
                        + " %d unfinished;"
                        + " %.1f commits per order%n",
                p.label(),
                p.offeredRate(),
                p.endedPerSecond(),
                100 * row.ceilingFraction(),
                p.percentileMillis(50),
                p.percentileMillis(90),
                p.percentileMillis(99),
                p.maxMillis(),
                p.count(Outcome.Kind.COMPLETED),
                p.count(Outcome.Kind.COMPENSATED),
                p.count(Outcome.Kind.FAILED),
                p.count(Outcome.Kind.ERROR),
                p.count(Outcome.Kind.REFUSED),
                p.unfinished(),
                row.commitsPerOrder());
        if (!p.errors().isEmpty()) {
            System.out.println("  errors: "
                    + p.errors().entrySet().stream()
                            .map(e -> e.getKey() + " ×" + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
        System.out.println(indent(row.usage().format()));
        double ended = p.endedPerSecond() * p.window().toNanos() / 1e9;
        if (ended > 0) {
            double seconds = row.usage().elapsed().toNanos() / 1e9;
            System.out.println("    CPU per order ended: "
                    + row.usage().groups().stream()
                            .map(g -> String.format(
                                    "%s %.1f ms", g.group(), g.cpuPercentOfCore() / 100 * seconds * 1000 / ended))
                            .collect(Collectors.joining(", ")));
        }
    }

    static void table(List<Row> rows) {
        System.out.println();
        System.out.println("| target | offered/s | ended/s | of ceiling | p50 ms | p90 ms | p99 ms | max ms"
                + " | completed | compensated | errors | commits/order | machine CPU |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row row : rows) {
            PhaseResult p = row.phase();
            System.out.printf(
                    "| %s | %d | %.1f | %.0f%% | %.1f | %.1f | %.1f | %.0f | %d | %d | %d | %.1f | %.0f%% |%n",
                    p.label(),
                    p.offeredRate(),
                    p.endedPerSecond(),
                    100 * row.ceilingFraction(),
                    p.percentileMillis(50),
                    p.percentileMillis(90),
                    p.percentileMillis(99),
                    p.maxMillis(),
                    p.count(Outcome.Kind.COMPLETED),
                    p.count(Outcome.Kind.COMPENSATED),
                    p.errorCount(),
                    row.commitsPerOrder(),
                    row.usage().machineBusyPercent());
        }
    }

    private static String indent(String text) {
        return text.lines().map(line -> "    " + line).collect(Collectors.joining("\n"));
    }

    static Map<String, Double> cpuByGroup(Row row) {
        return row.usage().groups().stream()
                .collect(Collectors.toMap(ProcessTable.GroupUsage::group, ProcessTable.GroupUsage::cpuPercentOfCore));
    }
}
