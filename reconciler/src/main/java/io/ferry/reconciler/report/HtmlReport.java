package io.ferry.reconciler.report;

import io.ferry.core.event.Bytes;
import io.ferry.reconciler.DifferenceKind;
import io.ferry.reconciler.DifferenceLog;
import io.ferry.reconciler.LateWrite;
import io.ferry.reconciler.ReconcileReport;
import java.io.PrintWriter;
import java.util.List;

/**
 * The report a person reads: verdict first, then counts, two charts (differences across the key
 * space and across revisions) and the differing keys. One self-contained file with inline SVG and
 * no scripts, so it opens anywhere, offline, and can be attached to a change ticket.
 */
public final class HtmlReport {

    private static final int BUCKETS = 40;
    private static final int TABLE_ROWS = DifferenceLog.SAMPLE_SIZE;

    private HtmlReport() {
    }

    public static void write(ReconcileReport r, List<LateWrite> lateWrites, ReportContext context, PrintWriter out) {
        ReportVerdict verdict = ReportVerdict.of(r, lateWrites);
        long[] byPosition = new long[BUCKETS];
        long[] byRevision = new long[BUCKETS];
        long[] revisionRange = revisionRange(r);
        r.differences().forEach(l -> {
            if (l.position() >= 0 && r.etcdKeys() > 0) {
                byPosition[(int) Math.min(BUCKETS - 1, l.position() * BUCKETS / Math.max(1, r.etcdKeys()))]++;
            }
            long rev = Math.max(l.difference().etcdRevision(), l.difference().sqlRevision());
            byRevision[bucket(rev, revisionRange)]++;
        });
        out.println("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        out.println("<title>Ferry reconciliation at revision " + r.revision() + "</title>");
        out.println("<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
                + ".verdict{font-size:2em;font-weight:bold;padding:.4em .8em;border-radius:6px;display:inline-block}"
                + ".clean{background:#d4f7d4;color:#135213}.dirty{background:#fbd5d5;color:#7a1010}"
                + ".nothing{background:#fdf0c4;color:#6b4e00}"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
                + "th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}"
                + "code{font-size:.9em;word-break:break-all}figure{display:inline-block;margin:0 2em 1em 0}</style></head><body>");
        out.println("<h1>Ferry reconciliation</h1>");
        String css = switch (verdict) {
            case CLEAN -> "clean";
            case DIFFERENCES -> "dirty";
            case NOTHING_COMPARED -> "nothing";
        };
        out.println("<div id=\"verdict\" class=\"verdict " + css + "\">" + verdict.name().replace('_', ' ') + "</div>");
        out.println("<p id=\"verdict-reason\">" + escape(verdict.explain(r, context)) + "</p>");
        auditTable(r, context, out);
        summaryTable(r, lateWrites, out);
        out.println("<h2>Where the differences are</h2>");
        out.println(BarChart.svg("differences-by-key", "Differences across the key space (etcd key order)", byPosition,
                "first key", "last key"));
        out.println(BarChart.svg("differences-by-revision", "Differences by revision", byRevision,
                "rev " + revisionRange[0], "rev " + revisionRange[1]));
        differencesTable(r, out);
        if (lateWrites != null) {
            lateWritesTable(lateWrites, out);
        }
        out.println("</body></html>");
        out.flush();
    }

    /** The record of the run: when, against what, by which Ferry, with which options, where the cutover stood. */
    private static void auditTable(ReconcileReport r, ReportContext context, PrintWriter out) {
        out.println("<table id=\"audit\">");
        context.facts(r.startedAt()).forEach((name, value) -> out.println("<tr><th>" + escape(name) + "</th><td>" + escape(value)
                + "</td></tr>"));
        out.println("</table>");
    }

    private static void summaryTable(ReconcileReport r, List<LateWrite> lateWrites, PrintWriter out) {
        out.println("<table id=\"summary\">");
        row(out, "Revision compared", Long.toString(r.revision()));
        row(out, "Prefixes", escape(String.join(", ", r.prefixes())));
        row(out, "etcd keys", String.format("%,d", r.etcdKeys()));
        row(out, "SQL rows", String.format("%,d", r.sqlRows()));
        row(out, "Duration", String.format("%.1f s", r.duration().toMillis() / 1000.0));
        row(out, "Sink's lowest watermark", r.minWatermark() < 0 ? "unknown" : Long.toString(r.minWatermark()));
        row(out, "In flight (changed after R, as etcd did)", String.format("%,d", r.inFlight()));
        for (DifferenceKind k : DifferenceKind.values()) {
            row(out, escape(k.description()), String.format("%,d", r.counts().get(k)));
        }
        for (var t : r.mapped()) {
            row(out, "Mapped table " + escape(t.table()), escape(MappedTableLine.describe(r, t)));
        }
        if (lateWrites != null) {
            row(out, "Late writes after the cutover", String.format("%,d", lateWrites.size()));
        }
        out.println("</table>");
    }

    private static void differencesTable(ReconcileReport r, PrintWriter out) {
        out.println("<h2>Differing keys</h2>");
        if (r.differences().total() == 0) {
            out.println("<p>None.</p>");
            return;
        }
        out.println("<table id=\"differences\"><tr><th>Kind</th><th>Key</th><th>etcd revision</th><th>SQL revision</th>"
                + "<th>Value SHA-256, etcd / SQL</th></tr>");
        for (DifferenceLog.Located l : r.differences().sample()) {
            var d = l.difference();
            out.println("<tr><td>" + d.kind().jsonName() + (d.table() == null ? "" : " in " + escape(d.table()))
                    + "</td><td><code>" + escape(Bytes.printable(d.key()))
                    + "</code></td><td class=\"num\">" + ReportVerdict.revision(d.etcdRevision()) + "</td><td class=\"num\">"
                    + ReportVerdict.revision(d.sqlRevision())
                    + "</td><td><code>" + (d.etcdDigest() == null ? "" : d.etcdDigest() + " / " + d.sqlDigest()) + "</code></td></tr>");
        }
        out.println("</table>");
        if (r.differences().total() > TABLE_ROWS) {
            out.printf("<p>Showing the first %,d of %,d; the JSON report (--json) lists every one.</p>%n", TABLE_ROWS,
                    r.differences().total());
        }
    }

    private static void lateWritesTable(List<LateWrite> lateWrites, PrintWriter out) {
        out.println("<h2>Late writes after the cutover</h2>");
        if (lateWrites.isEmpty()) {
            out.println("<p>None: no etcd change after the cutover revision.</p>");
            return;
        }
        out.println("<table id=\"late-writes\"><tr><th>Revision</th><th>Op</th><th>Key</th><th>SQL row since cutover</th></tr>");
        lateWrites.stream().limit(TABLE_ROWS).forEach(w -> out.println("<tr><td class=\"num\">" + w.revision() + "</td><td>"
                + (w.deleted() ? "delete" : "put") + "</td><td><code>" + escape(Bytes.printable(w.key())) + "</code></td><td>"
                + (w.sqlChangedSinceCutover() ? "changed" : "unchanged") + "</td></tr>"));
        out.println("</table>");
    }

    private static long[] revisionRange(ReconcileReport r) {
        long[] range = {Long.MAX_VALUE, 0};
        r.differences().forEach(l -> {
            long rev = Math.max(l.difference().etcdRevision(), l.difference().sqlRevision());
            range[0] = Math.min(range[0], rev);
            range[1] = Math.max(range[1], rev);
        });
        if (range[0] > range[1]) {
            return new long[] {0, r.revision()};
        }
        return range;
    }

    private static int bucket(long rev, long[] range) {
        long span = Math.max(1, range[1] - range[0] + 1);
        return (int) Math.min(BUCKETS - 1, (rev - range[0]) * BUCKETS / span);
    }

    private static void row(PrintWriter out, String name, String value) {
        out.println("<tr><th>" + name + "</th><td class=\"num\">" + value + "</td></tr>");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
