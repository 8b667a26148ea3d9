package io.sagaline.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.loadgen.LatencyPlot.Chart;
import io.sagaline.loadgen.LatencyPlot.Point;
import io.sagaline.loadgen.LatencyPlot.Reference;
import io.sagaline.loadgen.LatencyPlot.Scale;
import io.sagaline.loadgen.LatencyPlot.Series;
import io.sagaline.loadgen.LatencyPlot.Style;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyPlotTest {

    private static final Color SAGA = new Color(0x1F77B4);
    private static final Color TWO_PHASE = new Color(0xD62728);

    @Test
    void drawsEverySeriesInItsColour(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("charts/latency.png");
        LatencyPlot.write(
                png,
                new Chart(
                        "End-to-end latency against offered load",
                        "offered load (orders/s)",
                        "end-to-end latency (ms)",
                        Scale.LOG,
                        List.of(
                                new Series(
                                        "saga p99",
                                        Style.solid(SAGA),
                                        List.of(new Point(50, 40), new Point(100, 55), new Point(200, 180))),
                                new Series(
                                        "2PC p99",
                                        Style.dashed(TWO_PHASE),
                                        List.of(new Point(50, 12), new Point(100, 30), new Point(200, 2400)))),
                        List.of(Reference.horizontal("target p99 250 ms", 250))));

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(LatencyPlot.WIDTH);
        assertThat(image.getHeight()).isEqualTo(LatencyPlot.HEIGHT);
        assertThat(pixels(image, SAGA)).isGreaterThan(200);
        assertThat(pixels(image, TWO_PHASE)).isGreaterThan(200);
    }

    @Test
    void drawsThroughputOnALinearAxis(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("throughput.png");
        LatencyPlot.write(
                png,
                new Chart(
                        "Throughput",
                        "offered load (orders/s)",
                        "completed (orders/s)",
                        Scale.LINEAR,
                        List.of(new Series(
                                "saga",
                                Style.solid(SAGA),
                                List.of(new Point(100, 100), new Point(400, 398), new Point(800, 610)))),
                        List.of(Reference.diagonal("completed = offered"))));

        assertThat(pixels(ImageIO.read(png.toFile()), SAGA)).isGreaterThan(200);
    }

    private static int pixels(BufferedImage image, Color color) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF)) {
                    count++;
                }
            }
        }
        return count;
    }
}
