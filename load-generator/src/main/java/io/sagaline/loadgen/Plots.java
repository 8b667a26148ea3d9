package io.sagaline.loadgen;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's plots, from the results file: latency percentiles against offered load, and
 * throughput against offered load, one colour per label (saga, 2pc, their hot-SKU runs).
 */
final class Plots {

    private static final List<Color> PALETTE = List.of(
            new Color(0x1F77B4), new Color(0xD62728), new Color(0x2CA02C), new Color(0xFF7F0E), new Color(0x9467BD));

    private Plots() {}

    static List<Path> render(List<Results.Line> lines, Path directory) {
        Map<String, List<Results.Line>> byLabel = new LinkedHashMap<>();
        lines.stream()
                .sorted(Comparator.comparingInt(Results.Line::offered))
                .forEach(line -> byLabel.computeIfAbsent(line.label(), label -> new ArrayList<>())
                        .add(line));

        List<LatencyPlot.Series> latency = new ArrayList<>();
        List<LatencyPlot.Series> throughput = new ArrayList<>();
        int colour = 0;
        for (var entry : byLabel.entrySet()) {
            Color color = PALETTE.get(colour++ % PALETTE.size());
            String label = entry.getKey();
            List<Results.Line> points = entry.getValue();
            latency.add(series(label + " p50", LatencyPlot.Style.solid(color), points, Results.Line::p50));
            latency.add(series(label + " p99", LatencyPlot.Style.dashed(color), points, Results.Line::p99));
            throughput.add(series(label, LatencyPlot.Style.solid(color), points, Results.Line::endedPerSecond));
        }
        Path latencyPng = directory.resolve("latency-vs-load.png");
        Path throughputPng = directory.resolve("throughput-vs-load.png");
        try {
            LatencyPlot.write(
                    latencyPng,
                    new LatencyPlot.Chart(
                            "End-to-end latency against offered load (2 cores, everything on one host)",
                            "offered load (orders/s)",
                            "end-to-end latency (ms)",
                            LatencyPlot.Scale.LOG,
                            latency,
                            List.of(
                                    LatencyPlot.Reference.horizontal("target p99 250 ms", 250),
                                    LatencyPlot.Reference.horizontal("target p50 50 ms", 50))));
            LatencyPlot.write(
                    throughputPng,
                    new LatencyPlot.Chart(
                            "Orders ended per second against offered load (2 cores, everything on one host)",
                            "offered load (orders/s)",
                            "orders ended (per s)",
                            LatencyPlot.Scale.LINEAR,
                            throughput,
                            List.of(LatencyPlot.Reference.diagonal("ended = offered"))));
        } catch (IOException e) {
            throw new UncheckedIOException("writing the plots failed", e);
        }
        return List.of(latencyPng, throughputPng);
    }

    private static LatencyPlot.Series series(
            String name, LatencyPlot.Style style, List<Results.Line> lines, ToDoubleFunction<Results.Line> y) {
        return new LatencyPlot.Series(
                name,
                style,
                lines.stream()
                        .map(line -> new LatencyPlot.Point(line.offered(), y.applyAsDouble(line)))
                        .toList());
    }
}
