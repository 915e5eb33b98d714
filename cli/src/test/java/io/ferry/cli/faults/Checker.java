package io.ferry.cli.faults;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * The independent checker: it knows etcd, SQL and the recorded history, and nothing of Ferry's
 * code (its reconciler least of all). Each method checks one of the promises and puts what breaks
 * it into the verdict with the key and revisions involved.
 */
final class Checker {

    private final KeyPool pool;
    private final History history;
    private final Verdict verdict;

    Checker(KeyPool pool, History history, Verdict verdict) {
        this.pool = pool;
        this.history = history;
        this.verdict = verdict;
    }

    /** The history must predict etcd exactly; if it does not, the other checks would judge against a wrong model. */
    void modelAgainstEtcd(Map<ByteBuffer, Row> etcd) {
        for (ByteBuffer key : etcd.keySet()) {
            if (pool.indexOf(etcd.get(key).key()) < 0) {
                verdict.violation("harness: etcd holds a key the workload never wrote", KeyPool.show(etcd.get(key).key()));
            }
        }
        for (int k = 0; k < pool.size(); k++) {
            Write w = history.last(k);
            Row e = etcd.get(ByteBuffer.wrap(pool.key(k)));
            boolean expected = w != null && !w.deleted();
            if (expected != (e != null)) {
                verdict.violation("harness: history and etcd disagree", KeyPool.show(pool.key(k)) + " history "
                        + (w == null ? "never written" : w) + ", etcd " + (e == null ? "absent" : "present at " + e.modRevision()));
            } else if (e != null && (e.modRevision() != w.revision() || e.createRevision() != w.createRevision()
                    || e.version() != w.version() || e.lease() != w.lease() || e.value().length != w.valueLength()
                    || WorkloadWorker.crc(e.value()) != w.valueCrc())) {
                verdict.violation("harness: history and etcd disagree", KeyPool.show(pool.key(k)) + " history " + w + ", etcd mod "
                        + e.modRevision() + " create " + e.createRevision() + " version " + e.version() + " lease " + e.lease());
            }
        }
        verdict.checked("keys whose history matches etcd", pool.size());
    }

    /** SQL must equal etcd at the final revision, every column byte for byte, no row more or less. */
    void finalState(Target t, Map<ByteBuffer, Row> etcd, Map<ByteBuffer, Row> sql, long revision) {
        String where = t.name() + " at etcd revision " + revision;
        for (Map.Entry<ByteBuffer, Row> e : etcd.entrySet()) {
            Row row = sql.get(e.getKey());
            if (row == null) {
                verdict.violation("final state: row missing in SQL [" + t.name() + "]", where + ": " + KeyPool.show(e.getValue().key())
                        + " (etcd mod_revision " + e.getValue().modRevision() + ")");
            } else {
                String diff = row.differences(e.getValue());
                if (!diff.isEmpty()) {
                    verdict.violation("final state: row differs (SQL vs etcd) [" + t.name() + "]", where + ": " + KeyPool.show(row.key()) + " " + diff);
                }
            }
        }
        for (Map.Entry<ByteBuffer, Row> s : sql.entrySet()) {
            if (!etcd.containsKey(s.getKey())) {
                verdict.violation("final state: extra row in SQL [" + t.name() + "]", where + ": " + KeyPool.show(s.getValue().key())
                        + " (SQL mod_revision " + s.getValue().modRevision() + ", last history write "
                        + lastWrite(s.getValue().key()) + ")");
            }
        }
        verdict.checked("final rows compared byte for byte (" + t.name() + ")", etcd.size());
    }

    /** Every acknowledged write is in SQL at the end or was overwritten (or deleted) by a later one. */
    void appliedOrSuperseded(Target t, Map<ByteBuffer, Row> sql) {
        long ok = 0;
        for (int k = 0; k < pool.size(); k++) {
            Row row = sql.get(ByteBuffer.wrap(pool.key(k)));
            List<Write> writes = history.of(k);
            for (int i = 0; i < writes.size(); i++) {
                Write w = writes.get(i);
                boolean held;
                if (row != null) {
                    // A put is applied when the row is at its revision, superseded when at a later one;
                    // a delete is superseded only by a later put.
                    held = w.deleted() ? row.modRevision() > w.revision() : row.modRevision() >= w.revision();
                } else {
                    held = w.deleted() || history.firstDeleteAfter(k, w.revision()) > 0;
                }
                if (held) {
                    ok++;
                } else {
                    verdict.violation("lost: acknowledged write neither applied nor superseded [" + t.name() + "]", t.name() + ": "
                            + KeyPool.show(pool.key(k)) + " " + (w.deleted() ? "delete" : "put") + " at revision " + w.revision()
                            + ", SQL " + (row == null ? "has no row" : "has mod_revision " + row.modRevision()));
                }
            }
        }
        verdict.checked("acknowledged writes applied or superseded (" + t.name() + ")", ok);
    }

    /**
     * Replays the samples in order: a row's mod_revision never goes down, every revision a row shows
     * is an acknowledged put of that key, a row disappears only after a delete in the history, and
     * once a delete has been seen applied, no older version of the key comes back.
     */
    void samples(Target t, List<Sample> samples) {
        long[] seen = new long[pool.size()];
        long[] deletedAt = new long[pool.size()];
        long observations = 0;
        for (int n = 0; n < samples.size(); n++) {
            Sample s = samples.get(n);
            String when = t.name() + " sample #" + n + " at " + s.atMs() + " ms: ";
            for (int j = 0; j < s.keys().length; j++) {
                int k = s.keys()[j];
                long rev = s.modRevisions()[j];
                String key = KeyPool.show(pool.key(k));
                observations++;
                if (rev > 0) {
                    Write w = history.at(k, rev);
                    if (w == null || w.deleted()) {
                        verdict.violation("row at a revision that is no acknowledged put of its key [" + t.name() + "]", when + key + " mod_revision " + rev);
                    }
                    if (rev < seen[k]) {
                        verdict.violation("mod_revision went backwards [" + t.name() + "]", when + key + " from " + seen[k] + " to " + rev);
                    }
                    if (rev < deletedAt[k]) {
                        verdict.violation("deleted key reappeared [" + t.name() + "]", when + key + " is back at mod_revision " + rev
                                + " after its delete at revision " + deletedAt[k] + " had been applied");
                    }
                    seen[k] = Math.max(seen[k], rev);
                } else if (seen[k] > 0) {
                    long d = history.firstDeleteAfter(k, seen[k]);
                    if (d < 0) {
                        verdict.violation("row vanished without a delete [" + t.name() + "]", when + key + " gone, last seen at " + seen[k]
                                + ", no delete after it in the history");
                    } else {
                        deletedAt[k] = Math.max(deletedAt[k], d);
                    }
                }
            }
        }
        verdict.checked("sampled row changes judged (" + t.name() + ", " + samples.size() + " samples)", observations);
    }

    private String lastWrite(byte[] key) {
        int k = pool.indexOf(key);
        return k < 0 ? "none: not a workload key" : String.valueOf(history.last(k));
    }
}
