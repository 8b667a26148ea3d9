package io.sagaline.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The results file: one CSV line per measured phase, appended run after run, so that the plots
 * can put runs of different targets and settings side by side.
 */
final class Results {

    static final String HEADER = "measured_at,target,label,offered_per_s,ended_per_s,p50_ms,p90_ms,p99_ms,max_ms,"
            + "completed,compensated,failed,errors,unfinished,commits_per_order,ceiling_sagas_per_s,machine_cpu_pct,"
            + "cpu_by_process";

    /** One line of the file. */
    record Line(
            String label,
            int offered,
            double endedPerSecond,
            double p50,
            double p90,
            double p99,
            double max,
            long errors) {}

    private Results() {}

    static void append(Path file, Report.Row row) {
        PhaseResult p = row.phase();
        String cpu = Report.cpuByGroup(row).entrySet().stream()
                .map(e -> e.getKey() + ":" + Math.round(e.getValue()))
                .collect(Collectors.joining(" "));
        String line = String.format(
                Locale.ROOT,
                "%s,%s,%s,%d,%.1f,%.2f,%.2f,%.2f,%.2f,%d,%d,%d,%d,%d,%.2f,%.1f,%.0f,%s%n",
                Instant.now(),
                p.target(),
                p.label(),
                p.offeredRate(),
                p.endedPerSecond(),
                p.percentileMillis(50),
                p.percentileMillis(90),
                p.percentileMillis(99),
                p.maxMillis(),
                p.count(Outcome.Kind.COMPLETED),
                p.count(Outcome.Kind.COMPENSATED),
                p.count(Outcome.Kind.FAILED),
                p.count(Outcome.Kind.ERROR),
                p.unfinished(),
                row.commitsPerOrder(),
                row.ceilingSagasPerSecond(),
                row.usage().machineBusyPercent(),
                cpu);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                Files.writeString(file, HEADER + "\n");
            }
            Files.writeString(file, line, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file + " failed", e);
        }
    }

    /** The file's lines; for a label measured at one rate more than once, the last one counts. */
    static List<Line> read(Path file) {
        try (var lines = Files.lines(file)) {
            var parsed = lines.skip(1)
                    .filter(line -> !line.isBlank())
                    .map(line -> line.split(","))
                    .map(f -> new Line(
                            f[2],
                            Integer.parseInt(f[3]),
                            Double.parseDouble(f[4]),
                            Double.parseDouble(f[5]),
                            Double.parseDouble(f[6]),
                            Double.parseDouble(f[7]),
                            Double.parseDouble(f[8]),
                            Long.parseLong(f[12]) + Long.parseLong(f[13])))
                    .collect(Collectors.toMap(
                            line -> line.label() + "@" + line.offered(),
                            line -> line,
                            (earlier, later) -> later,
                            java.util.LinkedHashMap::new));
            return List.copyOf(parsed.values());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the results file " + file + ": " + e.getMessage(), e);
        }
    }
}
