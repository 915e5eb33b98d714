package io.ferry.reconciler;

import io.ferry.core.KeyRanges;
import io.ferry.reconciler.etcd.EtcdPage;
import io.ferry.reconciler.sql.RangeHash;
import io.ferry.reconciler.sql.SqlTable;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Compares one etcd page with the same key range in SQL. The database hashes the range; only
 * when the hashes differ is the range split in two and each half hashed again, down to
 * {@code leafKeys} keys, where the SQL rows are streamed and merged with etcd's in key order.
 * A clean page costs one query and moves no rows.
 */
final class RangeComparer {

    private final SqlTable sql;
    private final long revision;
    private final int leafKeys;
    private final DifferenceLog log;
    private final List<Row> aheadCandidates;
    /** etcd keys compared before the current page. */
    private long position;
    /** The current page's etcd rows, in key order: where in the key space a difference lies. */
    private List<Row> pageRows = List.of();
    private long sqlHashQueries;

    RangeComparer(SqlTable sql, long revision, int leafKeys, DifferenceLog log, List<Row> aheadCandidates) {
        this.sql = sql;
        this.revision = revision;
        this.leafKeys = leafKeys;
        this.log = log;
        this.aheadCandidates = aheadCandidates;
    }

    /** Compares the page; returns true when it matched without any bisection. */
    boolean compare(EtcdPage page) throws SQLException {
        pageRows = page.rows();
        RangeHash sqlHash = hash(page.from(), page.to());
        boolean clean = sqlHash.sameAs(etcdHash(page.rows()));
        if (!clean) {
            bisect(page.rows(), page.from(), page.to(), sqlHash);
        }
        position += page.rows().size();
        return clean;
    }

    long sqlHashQueries() {
        return sqlHashQueries;
    }

    private void bisect(List<Row> etcd, byte[] from, byte[] to, RangeHash sqlHash) throws SQLException {
        if (sqlHash.rows() == 0) {
            List<byte[]> deletedAfterR = new ArrayList<>();
            boolean[] tombstonesLoaded = {false};
            for (Row r : etcd) {
                missingOrDeletedLater(r, from, to, deletedAfterR, tombstonesLoaded);
            }
            return;
        }
        if (etcd.size() <= leafKeys) {
            mergeRows(etcd, from, to);
            return;
        }
        int half = etcd.size() / 2;
        byte[] mid = etcd.get(half).key();
        List<Row> left = etcd.subList(0, half);
        List<Row> right = etcd.subList(half, etcd.size());
        RangeHash leftHash = hash(from, mid);
        if (!leftHash.sameAs(etcdHash(left))) {
            bisect(left, from, mid, leftHash);
        }
        RangeHash rightHash = hash(mid, to);
        if (!rightHash.sameAs(etcdHash(right))) {
            bisect(right, mid, to, rightHash);
        }
    }

    /** Streams SQL's rows of the range and walks them beside etcd's, both in key order. */
    private void mergeRows(List<Row> etcd, byte[] from, byte[] to) throws SQLException {
        Iterator<Row> e = etcd.iterator();
        Row[] pending = {e.hasNext() ? e.next() : null};
        List<byte[]> deletedAfterR = new ArrayList<>();
        boolean[] tombstonesLoaded = {false};
        sql.rows(from, to, s -> {
            while (pending[0] != null && KeyRanges.compare(pending[0].key(), s.key()) < 0) {
                missingOrDeletedLater(pending[0], from, to, deletedAfterR, tombstonesLoaded);
                pending[0] = e.hasNext() ? e.next() : null;
            }
            if (pending[0] != null && KeyRanges.compare(pending[0].key(), s.key()) == 0) {
                both(pending[0], s);
                pending[0] = e.hasNext() ? e.next() : null;
            } else {
                sqlOnly(s);
            }
        });
        while (pending[0] != null) {
            missingOrDeletedLater(pending[0], from, to, deletedAfterR, tombstonesLoaded);
            pending[0] = e.hasNext() ? e.next() : null;
        }
    }

    private void both(Row etcd, Row s) {
        if (s.sameContent(etcd)) {
            return;
        }
        if (s.modRevision() < etcd.modRevision()) {
            log.add(new Difference(DifferenceKind.STALE, etcd.key(), etcd.modRevision(), s.modRevision(),
                    Difference.digest(etcd.value()), Difference.digest(s.value())), positionOf(etcd.key()));
        } else if (s.modRevision() > revision) {
            aheadCandidates.add(s); // written after R: in flight, checked against etcd's current state later
        } else {
            // Same revision but other bytes, or a revision etcd never gave this key at R: corruption.
            log.add(new Difference(DifferenceKind.MISMATCH, etcd.key(), etcd.modRevision(), s.modRevision(),
                    Difference.digest(etcd.value()), Difference.digest(s.value())), positionOf(etcd.key()));
        }
    }

    private void sqlOnly(Row s) {
        if (s.modRevision() > revision) {
            aheadCandidates.add(s);
        } else {
            log.add(new Difference(DifferenceKind.EXTRA, s.key(), 0, s.modRevision()), positionOf(s.key()));
        }
    }

    /** A key SQL lacks is in flight, not missing, when the sink deleted it at a revision after R. */
    private void missingOrDeletedLater(Row etcd, byte[] from, byte[] to, List<byte[]> deletedAfterR, boolean[] loaded) {
        try {
            if (!loaded[0]) {
                deletedAfterR.addAll(sql.tombstonesAfter(from, to, revision));
                loaded[0] = true;
            }
        } catch (SQLException ex) {
            throw new ReconcileException("reading the sink's tombstones failed: " + ex.getMessage(), ex);
        }
        for (byte[] k : deletedAfterR) {
            if (java.util.Arrays.equals(k, etcd.key())) {
                aheadCandidates.add(new Row(etcd.key(), new byte[0], 0, 0, 0, 0));
                return;
            }
        }
        log.add(new Difference(DifferenceKind.MISSING, etcd.key(), etcd.modRevision(), 0), positionOf(etcd.key()));
    }

    /**
     * How many etcd keys come before {@code key}: the keys of earlier pages and those of this page below it.
     * The report charts differences by it across the key space.
     */
    private long positionOf(byte[] key) {
        int low = 0;
        int high = pageRows.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (KeyRanges.compare(pageRows.get(mid).key(), key) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return position + low;
    }

    private RangeHash hash(byte[] from, byte[] to) throws SQLException {
        sqlHashQueries++;
        return sql.hash(from, to);
    }

    private static RangeHash etcdHash(List<Row> rows) {
        RowHasher h = new RowHasher();
        rows.forEach(h::add);
        return new RangeHash(rows.size(), h.finish());
    }
}
