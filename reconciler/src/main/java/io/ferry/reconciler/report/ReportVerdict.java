package io.ferry.reconciler.report;

import io.ferry.reconciler.LateWrite;
import io.ferry.reconciler.ReconcileReport;
import java.util.List;
import java.util.Locale;

/** The verdict every report shows, and {@code ferry reconcile}'s exit code follows. */
public enum ReportVerdict {
    /** SQL equals etcd at R and no write reached etcd after the cutover. */
    CLEAN,
    /** Keys differ, or late writes reached etcd after the cutover. */
    DIFFERENCES,
    /** No etcd key and no SQL row under the prefixes: proof of nothing, most often a wrong prefix. */
    NOTHING_COMPARED;

    public static ReportVerdict of(ReconcileReport r, List<LateWrite> lateWrites) {
        if (r.verdict() == ReconcileReport.Verdict.DIFFERENCES || (lateWrites != null && !lateWrites.isEmpty())) {
            return DIFFERENCES;
        }
        return r.comparedNothing() ? NOTHING_COMPARED : CLEAN;
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The sentence under the verdict. */
    public String explain(ReconcileReport r, ReportContext context) {
        return switch (this) {
            case CLEAN -> "SQL equals etcd at revision " + r.revision() + ".";
            case DIFFERENCES -> "SQL does not equal etcd at revision " + r.revision() + ". Do not decommission etcd; "
                    + (context.repairAllowed() ? "see the differences, or repair with --repair."
                    : "SQL is authoritative since the cutover, so repair in SQL, or roll back (docs/runbook.md).");
            case NOTHING_COMPARED -> "No etcd key and no SQL row under " + String.join(", ", r.prefixes()) + " at revision "
                    + r.revision() + ", which proves nothing. Check etcd.prefix (compared as written, leading slash "
                    + "included) and sink.table.";
        };
    }

    /** A difference's revision on one side as the reports show it: blank where that side has no such key. */
    static String revision(long revision) {
        return revision == 0 ? "" : Long.toString(revision);
    }
}
