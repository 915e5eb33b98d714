package io.ferry.reconciler.report;

import io.ferry.reconciler.DifferenceKind;
import io.ferry.reconciler.ReconcileReport;
import io.ferry.reconciler.mapped.MappedTally;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One mapped table's check in a sentence, as the terminal and the HTML report show it. */
final class MappedTableLine {

    private MappedTableLine() {
    }

    /** The table's differences by kind; empty where it has none. */
    static Map<DifferenceKind, Long> differences(ReconcileReport r, MappedTally t) {
        return r.differences().mappedCounts().getOrDefault(t.table(), Map.of());
    }

    /** For example {@code 1,000 etcd keys, 998 project to a row, 997 rows in SQL; 1 difference (missing 1)}. */
    static String describe(ReconcileReport r, MappedTally t) {
        Map<DifferenceKind, Long> byKind = differences(r, t);
        long n = byKind.values().stream().mapToLong(Long::longValue).sum();
        List<String> kinds = new ArrayList<>();
        byKind.forEach((k, count) -> kinds.add(k.jsonName() + " " + String.format("%,d", count)));
        return String.format("%,d etcd keys, %,d project to a row, %,d rows in SQL", t.etcdKeys(), t.projected(), t.sqlRows())
                + (t.notJudged() == 0 ? "" : String.format(" (%,d written after R, not judged)", t.notJudged()))
                + (t.undecodableHere() == 0 ? "" : String.format(" (%,d rows not judged: their values do not decode here, "
                + "although the sink decoded them; give ferry reconcile the sink's decryption keys)", t.undecodableHere()))
                + (n == 0 ? "; no differences" : String.format("; %,d difference%s (%s)", n, n == 1 ? "" : "s",
                String.join(", ", kinds)));
    }
}
