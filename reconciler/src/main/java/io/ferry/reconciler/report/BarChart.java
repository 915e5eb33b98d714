package io.ferry.reconciler.report;

/** A small bar chart as inline SVG, drawn without any script or external resource. */
final class BarChart {

    private static final int WIDTH = 480;
    private static final int HEIGHT = 160;
    private static final int MARGIN = 24;

    private BarChart() {
    }

    static String svg(String id, String title, long[] counts, String leftLabel, String rightLabel) {
        long max = 1;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        double barWidth = (double) (WIDTH - 2 * MARGIN) / counts.length;
        StringBuilder sb = new StringBuilder();
        sb.append("<figure><figcaption>").append(HtmlReport.escape(title)).append("</figcaption>")
                .append("<svg id=\"").append(id).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" role=\"img\" aria-label=\"").append(HtmlReport.escape(title))
                .append("\"><rect width=\"100%\" height=\"100%\" fill=\"#fafafa\" stroke=\"#ddd\"/>");
        for (int i = 0; i < counts.length; i++) {
            double h = (HEIGHT - 2 * MARGIN) * (double) counts[i] / max;
            sb.append(String.format(java.util.Locale.ROOT,
                    "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%d</title></rect>",
                    MARGIN + i * barWidth + 1, HEIGHT - MARGIN - h, Math.max(1, barWidth - 2), h,
                    counts[i] > 0 ? "#c0392b" : "#ccc", counts[i]));
        }
        sb.append(String.format(java.util.Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", MARGIN,
                HEIGHT - 6, HtmlReport.escape(leftLabel)));
        sb.append(String.format(java.util.Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>", WIDTH - MARGIN, HEIGHT - 6,
                HtmlReport.escape(rightLabel)));
        sb.append(String.format(java.util.Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">max %d</text>", MARGIN,
                MARGIN - 8, max));
        sb.append("</svg></figure>");
        return sb.toString();
    }
}
