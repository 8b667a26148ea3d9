package io.sagaline.loadgen;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Line charts of benchmark results as PNG images, drawn with Java2D without a display: latency percentiles against
 * offered load on a logarithmic axis, or throughput against offered load on a linear one.
 *
 * <p>The x axis runs from 0 to the largest x rounded up to a round step. A logarithmic y axis spans the data and the
 * horizontal references rounded out to whole decades; points with y ≤ 0 cannot be shown on it and are left out.
 */
final class LatencyPlot {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final int WIDTH = 1000;
    static final int HEIGHT = 600;

    private static final String FONT = "DejaVu Sans";
    private static final Color GRID = new Color(0xE3E3E3);
    private static final Color MINOR_GRID = new Color(0xF2F2F2);
    private static final Color AXIS = new Color(0x555555);
    private static final Color TEXT = new Color(0x222222);
    private static final Color REFERENCE = new Color(0x8A8A8A);

    private LatencyPlot() {}

    enum Scale {
        LINEAR,
        LOG
    }

    /** How a series is drawn: solid lines get filled markers, dashed lines hollow ones, so both survive greyscale. */
    record Style(Color color, boolean dashed) {

        static Style solid(Color color) {
            return new Style(color, false);
        }

        static Style dashed(Color color) {
            return new Style(color, true);
        }
    }

    record Point(double x, double y) {}

    record Series(String name, Style style, List<Point> points) {}

    /** A labelled straight reference line {@code y = slope·x + intercept}, drawn thin, grey and dashed. */
    record Reference(String label, double slope, double intercept) {

        static Reference horizontal(String label, double y) {
            return new Reference(label, 0, y);
        }

        /** The line y = x: where completed equals offered. */
        static Reference diagonal(String label) {
            return new Reference(label, 1, 0);
        }
    }

    record Chart(
            String title,
            String xLabel,
            String yLabel,
            Scale yScale,
            List<Series> series,
            List<Reference> references) {}

    /** Renders the chart as a {@value #WIDTH}×{@value #HEIGHT} PNG, creating the parent directories. */
    static void write(Path png, Chart chart) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        draw(g, chart);
        g.dispose();
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    private static void draw(Graphics2D g, Chart chart) {
        boolean log = chart.yScale() == Scale.LOG;
        List<Point> points =
                chart.series().stream().flatMap(s -> s.points().stream()).toList();
        DoubleSummaryStatistics ys = Stream.concat(
                        points.stream().map(Point::y),
                        chart.references().stream().filter(r -> r.slope() == 0).map(Reference::intercept))
                .mapToDouble(v -> v)
                .filter(v -> !log || v > 0)
                .summaryStatistics();
        Axis x = Axis.linear(points.stream().mapToDouble(Point::x).max().orElse(1));
        Axis y = log ? Axis.log(ys.getMin(), ys.getMax()) : Axis.linear(ys.getMax());

        Font small = new Font(FONT, Font.PLAIN, 12);
        Font normal = new Font(FONT, Font.PLAIN, 14);
        g.setFont(normal);
        int legendWidth = 56
                + chart.series().stream()
                        .mapToInt(s -> g.getFontMetrics().stringWidth(s.name()))
                        .max()
                        .orElse(0);
        Frame frame = new Frame(new Rectangle(88, 56, WIDTH - 88 - 24 - legendWidth, HEIGHT - 56 - 70), x, y);
        Rectangle plot = frame.plot();

        g.setColor(TEXT);
        g.setFont(new Font(FONT, Font.BOLD, 18));
        centre(g, chart.title(), plot.x + plot.width / 2, 34);
        g.setFont(normal);
        centre(g, chart.xLabel(), plot.x + plot.width / 2, HEIGHT - 22);
        g.rotate(-Math.PI / 2);
        centre(g, chart.yLabel(), -(plot.y + plot.height / 2), 26);
        g.rotate(Math.PI / 2);

        g.setFont(small);
        FontMetrics metrics = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        g.setColor(MINOR_GRID);
        y.minorTicks().forEach(v -> g.draw(frame.line(0, v, x.max(), v)));
        for (double v : y.ticks()) {
            g.setColor(GRID);
            g.draw(frame.line(0, v, x.max(), v));
            g.setColor(TEXT);
            String label = y.label(v);
            int baseline = (int) frame.at(0, v).getY() + metrics.getAscent() / 2 - 1;
            g.drawString(label, plot.x - 8 - metrics.stringWidth(label), baseline);
        }
        for (double v : x.ticks()) {
            g.setColor(GRID);
            g.draw(frame.line(v, y.min(), v, y.max()));
            g.setColor(TEXT);
            centre(g, x.label(v), (int) frame.at(v, y.min()).getX(), plot.y + plot.height + 8 + metrics.getAscent());
        }
        g.setColor(AXIS);
        g.draw(frame.line(0, y.min(), x.max(), y.min()));
        g.draw(frame.line(0, y.min(), 0, y.max()));
        // Grid lines are drawn before anti-aliasing is on, so that they stay one crisp pixel wide.
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);

        g.setClip(plot);
        for (Reference reference : chart.references()) {
            drawReference(g, frame, reference);
        }
        // Markers at the edges of the axes stay whole.
        g.setClip(new Rectangle(plot.x - 8, plot.y - 8, plot.width + 16, plot.height + 16));
        for (Series series : chart.series()) {
            List<Point2D> shown = series.points().stream()
                    .filter(p -> !log || p.y() > 0)
                    .sorted(Comparator.comparingDouble(Point::x))
                    .map(p -> frame.at(p.x(), p.y()))
                    .toList();
            g.setColor(series.style().color());
            g.setStroke(stroke(series.style()));
            g.draw(polyline(shown));
            shown.forEach(p -> marker(g, series.style(), p.getX(), p.getY()));
        }
        g.setClip(null);

        // The legend sits beside the plot so that it never hides a point.
        g.setFont(normal);
        int ly = plot.y + 8;
        int lx = plot.x + plot.width + 20;
        for (Series series : chart.series()) {
            g.setColor(series.style().color());
            g.setStroke(stroke(series.style()));
            g.draw(new Line2D.Double(lx, ly, lx + 30, ly));
            marker(g, series.style(), lx + 15, ly);
            g.setColor(TEXT);
            g.drawString(series.name(), lx + 40, ly + g.getFontMetrics().getAscent() / 2 - 1);
            ly += 24;
        }
    }

    private static void drawReference(Graphics2D g, Frame frame, Reference reference) {
        List<Point2D> visible = new ArrayList<>();
        for (int i = 0; i <= 200; i++) {
            double vx = frame.x().max() * i / 200;
            double vy = reference.slope() * vx + reference.intercept();
            if (Math.abs(frame.y().fraction(vy) - 0.5) <= 0.51) {
                visible.add(frame.at(vx, vy));
            }
        }
        if (visible.size() < 2) {
            return;
        }
        g.setColor(REFERENCE);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {5f, 4f}, 0f));
        g.draw(polyline(visible));
        // Horizontal: above the line at the left, where latency curves are lowest. Sloped: above and left of the line,
        // on the side a throughput curve (completed at most offered) never reaches.
        g.setFont(new Font(FONT, Font.PLAIN, 12));
        FontMetrics metrics = g.getFontMetrics();
        int width = metrics.stringWidth(reference.label());
        Point2D anchor = visible.get(reference.slope() == 0 ? 0 : visible.size() * 4 / 5);
        double tx = reference.slope() == 0 ? anchor.getX() + 8 : anchor.getX() - width - 10;
        double ty = Math.max(anchor.getY() - 6, frame.plot().y + metrics.getAscent() + 2);
        g.setColor(new Color(255, 255, 255, 210));
        g.fill(new Rectangle2D.Double(tx - 2, ty - metrics.getAscent(), width + 4, metrics.getHeight()));
        g.setColor(REFERENCE.darker());
        g.drawString(reference.label(), (float) tx, (float) ty);
    }

    private static Path2D polyline(List<Point2D> points) {
        Path2D line = new Path2D.Double();
        if (!points.isEmpty()) {
            line.moveTo(points.getFirst().getX(), points.getFirst().getY());
            points.forEach(p -> line.lineTo(p.getX(), p.getY()));
        }
        return line;
    }

    private static BasicStroke stroke(Style style) {
        return style.dashed()
                ? new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {9f, 5f}, 0f)
                : new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    private static void marker(Graphics2D g, Style style, double cx, double cy) {
        double r = 4.5;
        Ellipse2D dot = new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
        g.setColor(style.dashed() ? Color.WHITE : style.color());
        g.fill(dot);
        g.setColor(style.color());
        g.setStroke(new BasicStroke(2f));
        g.draw(dot);
    }

    private static void centre(Graphics2D g, String text, int x, int baseline) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    private record Frame(Rectangle plot, Axis x, Axis y) {

        Point2D at(double vx, double vy) {
            return new Point2D.Double(
                    plot.x + x.fraction(vx) * plot.width, plot.y + plot.height - y.fraction(vy) * plot.height);
        }

        Line2D line(double x1, double y1, double x2, double y2) {
            return new Line2D.Double(at(x1, y1), at(x2, y2));
        }
    }

    // A tick every step on a linear axis, every decade on a logarithmic one.
    private record Axis(double min, double max, double step, Scale scale) {

        static Axis linear(double largest) {
            double top = largest > 0 && Double.isFinite(largest) ? largest : 1;
            double step = niceStep(top);
            return new Axis(0, Math.ceil(top / step - 1e-9) * step, step, Scale.LINEAR);
        }

        static Axis log(double smallest, double largest) {
            if (!(smallest > 0 && smallest <= largest)) {
                return log(1, 10);
            }
            double low = Math.floor(Math.log10(smallest));
            double high = Math.ceil(Math.log10(largest));
            return new Axis(Math.pow(10, low), Math.pow(10, high > low ? high : low + 1), 10, Scale.LOG);
        }

        // Three to six intervals of 1, 2, 2.5 or 5 times a power of ten.
        private static double niceStep(double range) {
            double raw = range / 6;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            return DoubleStream.of(1, 2, 2.5, 5, 10)
                    .map(m -> m * magnitude)
                    .filter(step -> step >= raw)
                    .findFirst()
                    .orElseThrow();
        }

        double fraction(double value) {
            return scale == Scale.LOG ? Math.log10(value / min) / Math.log10(max / min) : (value - min) / (max - min);
        }

        List<Double> ticks() {
            return Stream.iterate(min, v -> v <= max * (1 + 1e-9), v -> scale == Scale.LOG ? v * 10 : v + step)
                    .toList();
        }

        List<Double> minorTicks() {
            return scale == Scale.LINEAR
                    ? List.of()
                    : ticks().stream()
                            .filter(decade -> decade < max)
                            .flatMap(decade -> IntStream.rangeClosed(2, 9).mapToObj(m -> decade * m))
                            .toList();
        }

        String label(double value) {
            return new DecimalFormat("#,##0.####", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(value);
        }
    }
}
