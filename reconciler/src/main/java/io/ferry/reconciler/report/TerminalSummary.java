package io.ferry.reconciler.report;

import io.ferry.reconciler.DifferenceKind;
import io.ferry.reconciler.DifferenceLog;
import io.ferry.reconciler.LateWrite;
import io.ferry.core.event.Bytes;
import io.ferry.reconciler.ReconcileReport;
import java.io.PrintStream;
import java.util.List;

/** The few lines an operator reads first. */
public final class TerminalSummary {

    private static final int SHOWN = 20;

    private TerminalSummary() {
    }

    public static void print(ReconcileReport r, List<LateWrite> lateWrites, ReportContext context, PrintStream out) {
        out.printf("Reconciled %,d etcd keys against %,d SQL rows at revision %d in %.1f s (%s).%n", r.etcdKeys(), r.sqlRows(),
                r.revision(), r.duration().toMillis() / 1000.0, String.join(", ", r.prefixes()));
        out.printf("  etcd cluster %s, %s table %s; Ferry %s.%n", context.etcdClusterId() == null ? "unknown"
                : context.etcdClusterId(), context.database(), context.table(), context.ferryVersion());
        if (context.decodeFailures() == null || !context.decodeFailures().isEmpty()) {
            out.println("  Values that did not decode for their mapping: " + context.decodeFailuresText() + ".");
        }
        if (r.inFlight() > 0) {
            out.printf("  %,d rows were written after revision %d and already match etcd's current state (in flight).%n",
                    r.inFlight(), r.revision());
        }
        for (DifferenceKind k : DifferenceKind.values()) {
            long n = r.counts().get(k);
            if (n > 0) {
                out.printf("  %-8s %,10d  %s%n", k.jsonName(), n, k.description());
            }
        }
        for (var t : r.mapped()) {
            out.println("  mapped table " + t.table() + ": " + MappedTableLine.describe(r, t) + ".");
        }
        List<DifferenceLog.Located> sample = r.differences().sample();
        for (int i = 0; i < Math.min(SHOWN, sample.size()); i++) {
            var d = sample.get(i).difference();
            String etcd = ReportVerdict.revision(d.etcdRevision());
            String sql = ReportVerdict.revision(d.sqlRevision());
            out.printf("    %-8s %s%s  etcd@%s sql@%s%s%n", d.kind().jsonName(), d.table() == null ? "" : d.table() + ": ",
                    Bytes.printable(d.key()), etcd.isEmpty() ? "-" : etcd,
                    sql.isEmpty() ? "-" : sql, d.etcdDigest() == null ? ""
                    : "  value sha256 etcd " + d.etcdDigest() + " sql " + d.sqlDigest());
        }
        if (r.differences().total() > SHOWN) {
            out.printf("    ... and %,d more: write them all with --json FILE or --html FILE%n", r.differences().total() - SHOWN);
        }
        if (lateWrites != null) {
            out.printf("  %,d late writes in etcd after the cutover revision%s%n", lateWrites.size(),
                    lateWrites.isEmpty() ? "." : ": these are lost-update candidates, review each one.");
            lateWrites.stream().limit(SHOWN).forEach(w -> out.printf("    %s %s at revision %d, SQL row %s%n",
                    w.deleted() ? "delete" : "put   ", Bytes.printable(w.key()), w.revision(),
                    w.sqlChangedSinceCutover() ? "changed since the cutover" : "unchanged since the cutover"));
        }
        ReportVerdict verdict = ReportVerdict.of(r, lateWrites);
        out.println("Verdict: " + verdict.name().replace('_', ' ') + ". " + verdict.explain(r, context));
    }
}
