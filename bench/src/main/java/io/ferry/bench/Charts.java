package io.ferry.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The bench's plots, drawn with Java2D on an in-memory image (headless: no display needed) and
 * written as PNG: horizontal bar charts on a logarithmic axis, and lag percentiles over time.
 */
final class Charts {

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private Charts() {
    }

    /** Widest label column; longer labels wrap onto more lines rather than run under the bars. */
    private static final int MAX_LABEL_WIDTH = 420;
    private static final int LINE_HEIGHT = 13;

    /** Bars on a log10 axis, with an optional vertical marker (e.g. ratio 1.0); {@code marker <= 0} for none. */
    static void bars(String title, String unit, List<Bar> bars, double marker, Path file) throws IOException {
        FontMetrics fm = metrics();
        List<List<String>> labels = new ArrayList<>();
        int labelWidth = 0;
        for (Bar b : bars) {
            List<String> lines = wrap(b.label(), fm, MAX_LABEL_WIDTH);
            labels.add(lines);
            for (String line : lines) {
                labelWidth = Math.max(labelWidth, fm.stringWidth(line));
            }
        }
        labelWidth += 20;
        int plotWidth = 480;
        int width = labelWidth + plotWidth + 90;
        int top = 40;
        int[] rowTop = new int[bars.size() + 1];
        rowTop[0] = top;
        for (int i = 0; i < bars.size(); i++) {
            rowTop[i + 1] = rowTop[i] + Math.max(22, labels.get(i).size() * LINE_HEIGHT + 9);
        }
        int bottom = rowTop[bars.size()];
        int height = bottom + 50;
        double min = bars.stream().mapToDouble(Bar::value).filter(v -> v > 0).min().orElse(1);
        double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
        if (marker > 0) {
            min = Math.min(min, marker);
            max = Math.max(max, marker);
        }
        double lo = Math.floor(Math.log10(min));
        double hi = Math.ceil(Math.log10(max));
        if (hi <= lo) {
            hi = lo + 1;
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        int x0 = labelWidth;
        for (double d = lo; d <= hi; d++) {
            int x = x0 + (int) ((d - lo) / (hi - lo) * plotWidth);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(x, top, x, bottom);
            g.setColor(Color.DARK_GRAY);
            g.drawString(number(Math.pow(10, d)), x - 10, bottom + 15);
        }
        g.drawString(unit + " (log scale)", x0, bottom + 32);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = rowTop[i];
            int rowHeight = rowTop[i + 1] - y;
            g.setColor(Color.BLACK);
            List<String> lines = labels.get(i);
            int textTop = y + (rowHeight - lines.size() * LINE_HEIGHT) / 2;
            for (int l = 0; l < lines.size(); l++) {
                g.drawString(lines.get(l), 10, textTop + (l + 1) * LINE_HEIGHT - 2);
            }
            if (b.value() > 0) {
                int len = (int) ((Math.log10(b.value()) - lo) / (hi - lo) * plotWidth);
                int barTop = y + (rowHeight - 14) / 2;
                g.setColor(b.color());
                g.fillRect(x0, barTop, Math.max(1, len), 14);
                g.setColor(Color.BLACK);
                g.drawString(number(b.value()), x0 + Math.max(1, len) + 4, barTop + 11);
            }
        }
        if (marker > 0) {
            int x = x0 + (int) ((Math.log10(marker) - lo) / (hi - lo) * plotWidth);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
            g.drawLine(x, top - 4, x, bottom);
        }
        write(img, g, file);
    }

    /** The label split at spaces into lines no wider than {@code maxWidth} (a single longer word stays whole). */
    static List<String> wrap(String label, FontMetrics fm, int maxWidth) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : label.split(" ")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (!line.isEmpty() && fm.stringWidth(candidate) > maxWidth) {
                lines.add(line.toString());
                line.setLength(0);
                line.append(word);
            } else {
                line.setLength(0);
                line.append(candidate);
            }
        }
        lines.add(line.toString());
        return lines;
    }

    /** The label font's metrics, from a scratch image: the chart's size depends on them. */
    static FontMetrics metrics() {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            return g.getFontMetrics(TEXT);
        } finally {
            g.dispose();
        }
    }

    /** p50, p99 and max lag per second on a log axis, with the 250 ms target as a dashed line. */
    static void lag(String title, List<LagPoint> points, double targetMs, Path file) throws IOException {
        int width = 900;
        int height = 420;
        int left = 70;
        int right = 150;
        int top = 40;
        int bottom = 50;
        int pw = width - left - right;
        int ph = height - top - bottom;
        double tMax = points.stream().mapToDouble(LagPoint::second).max().orElse(1) + 1;
        double lo = 0;
        double hi = Math.max(Math.log10(targetMs) + 1, Math.ceil(Math.log10(Math.max(1,
                points.stream().mapToDouble(LagPoint::maxMs).max().orElse(1)))));
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        for (double d = lo; d <= hi; d++) {
            int y = top + ph - (int) ((d - lo) / (hi - lo) * ph);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(left, y, left + pw, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(number(Math.pow(10, d)) + " ms", 5, y + 4);
        }
        for (int s = 0; s <= tMax; s += 10) {
            int x = left + (int) (s / tMax * pw);
            g.drawString(s + " s", x - 8, top + ph + 15);
        }
        g.drawString("seconds into the steady-state run (steps of rising write rate)", left, top + ph + 35);
        Color[] colors = {Bar.FERRY, new Color(0xff7f0e), Bar.MISSED};
        String[] names = {"p50", "p99", "max"};
        for (int series = 0; series < 3; series++) {
            g.setColor(colors[series]);
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            double pt = -10;
            for (LagPoint p : points) {
                double v = series == 0 ? p.p50Ms() : series == 1 ? p.p99Ms() : p.maxMs();
                int x = left + (int) (p.second() / tMax * pw);
                int y = top + ph - (int) ((Math.log10(Math.max(1, v)) - lo) / (hi - lo) * ph);
                if (px >= 0 && p.second() - pt <= 1.5) {
                    g.drawLine(px, py, x, y);
                } else {
                    g.fillOval(x - 2, y - 2, 4, 4);
                }
                px = x;
                py = y;
                pt = p.second();
            }
            g.drawLine(left + pw + 15, top + 20 * series + 10, left + pw + 40, top + 20 * series + 10);
            g.setColor(Color.BLACK);
            g.drawString(names[series], left + pw + 45, top + 20 * series + 14);
        }
        int ty = top + ph - (int) ((Math.log10(targetMs) - lo) / (hi - lo) * ph);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.drawLine(left, ty, left + pw, ty);
        g.drawString("target p99 " + number(targetMs) + " ms", left + pw + 15, ty + 4);
        double lastRate = -1;
        for (LagPoint p : points) {
            if (p.offeredPerSecond() != lastRate) {
                int x = left + (int) (p.second() / tMax * pw);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%,.0f/s", p.offeredPerSecond()), x + 2, top + 12);
                lastRate = p.offeredPerSecond();
            }
        }
        write(img, g, file);
    }

    private static Graphics2D canvas(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        g.drawString(title, 10, 22);
        g.setFont(TEXT);
        return g;
    }

    private static void write(BufferedImage img, Graphics2D g, Path file) throws IOException {
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    static String number(double v) {
        if (v >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (v >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.2f", v).replaceAll("\\.?0+$", "");
        }
        return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
    }
}
