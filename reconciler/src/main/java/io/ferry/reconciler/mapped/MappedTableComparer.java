package io.ferry.reconciler.mapped;

import io.etcd.jetcd.KV;
import io.ferry.core.mapped.MappedTable;
import io.ferry.reconciler.Difference;
import io.ferry.reconciler.DifferenceKind;
import io.ferry.reconciler.DifferenceLog;
import io.ferry.reconciler.Row;
import io.ferry.reconciler.etcd.EtcdPage;
import io.ferry.reconciler.etcd.EtcdPager;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a mapped table against etcd at R: every key under its prefix is projected through the sink's own mapping, and
 * the table must hold exactly that row, cell for cell; a row for a key etcd lacks at R, or whose value projects to no
 * row, is extra. etcd is read page by page as the generic check reads it, and each page's key range is read from the
 * table, so memory stays bounded by a page. A row written after R is not judged: etcd at R cannot say what it should
 * hold, and the generic table's check covers its key. A value that does not decode must have its record in
 * ferry_decode_failures, at its revision, instead of a row; a record for anything else is extra. Not judged either is
 * a row whose value does not decode in this process while the sink decoded it (a reconcile without the sink's
 * decryption keys, say): it is counted, and the report says so.
 */
public final class MappedTableComparer {

    private final KV kv;
    private final long revision;
    private final int pageKeys;
    private final long pageBytes;
    private final DifferenceLog log;

    public MappedTableComparer(KV kv, long revision, int pageKeys, long pageBytes, DifferenceLog log) {
        this.kv = kv;
        this.revision = revision;
        this.pageKeys = pageKeys;
        this.pageBytes = pageBytes;
        this.log = log;
    }

    /**
     * Compares the table over the key ranges given (each {@code {from, to}}, the parts of its prefix that are
     * reconciled) and records every difference in the log.
     */
    public MappedTally compare(MappedTable table, List<byte[][]> ranges) throws SQLException {
        long[] tally = new long[5]; // etcd keys, projected, sql rows, not judged, undecodable here
        for (byte[][] range : ranges) {
            EtcdPager pager = new EtcdPager(kv, revision, range[0], range[1], pageKeys, pageBytes);
            for (EtcdPage page = pager.nextPage(); page != null; page = pager.nextPage()) {
                Map<ByteBuffer, MappedTable.Stored> failures = new HashMap<>();
                table.decodeFailures(page.from(), page.to()).forEach(f -> failures.put(ByteBuffer.wrap(f.key()), f));
                comparePage(table, page, table.read(page.from(), page.to()), failures, tally);
            }
        }
        return new MappedTally(table.table(), tally[0], tally[1], tally[2], tally[3], tally[4]);
    }

    private void comparePage(MappedTable table, EtcdPage page, List<MappedTable.Stored> stored,
                             Map<ByteBuffer, MappedTable.Stored> failures, long[] tally) {
        List<Row> etcd = page.rows();
        tally[0] += etcd.size();
        tally[2] += stored.size();
        int e = 0;
        int s = 0;
        while (e < etcd.size() || s < stored.size()) {
            int order = e == etcd.size() ? 1 : s == stored.size() ? -1
                    : Arrays.compareUnsigned(etcd.get(e).key(), stored.get(s).key());
            Row row = order <= 0 ? etcd.get(e++) : null;
            MappedTable.Stored sql = order >= 0 ? stored.get(s++) : null;
            MappedTable.Projection expected = row == null ? MappedTable.Projection.none()
                    : table.project(row.key(), row.value(), row.lease(), row.modRevision());
            tally[1] += expected.hasRow() ? 1 : 0;
            MappedTable.Stored failure = row == null ? null : failures.remove(ByteBuffer.wrap(row.key()));
            if (row != null && judgeFailure(table.table(), row, expected, sql, failure)) {
                continue;
            }
            if (sql != null && sql.modRevision() > revision) {
                tally[3]++;
            } else if (expected.undecodable() != null && sql != null) {
                tally[4]++;
            } else {
                judge(table.table(), row, expected, sql);
            }
        }
        extraFailures(table.table(), failures);
    }

    /**
     * A value that does not decode must have its record in ferry_decode_failures instead of a row, at its revision; a
     * record for a value that decodes, or for a key etcd does not hold at R, is extra. Returns whether the key was
     * judged here (no row to compare).
     */
    private boolean judgeFailure(String table, Row row, MappedTable.Projection expected, MappedTable.Stored sql,
                                 MappedTable.Stored failure) {
        if (failure != null && failure.modRevision() > revision) {
            return false; // recorded after R: R cannot judge it, and the row (if any) is judged as usual
        }
        if (expected.undecodable() != null && sql == null) {
            if (failure == null) {
                log.add(new Difference(DifferenceKind.MISSING, row.key(), row.modRevision(), 0, null, null, table), -1);
            } else if (failure.modRevision() < row.modRevision()) {
                log.add(new Difference(DifferenceKind.STALE, row.key(), row.modRevision(), failure.modRevision(), null, null,
                        table), -1);
            }
            return true;
        }
        if (failure != null && expected.undecodable() == null) {
            log.add(new Difference(DifferenceKind.EXTRA, row.key(), row.modRevision(), failure.modRevision(), null, null,
                    table), -1);
        }
        return false;
    }

    /** Failure records of keys etcd does not hold at R: the delete should have removed them. */
    private void extraFailures(String table, Map<ByteBuffer, MappedTable.Stored> failures) {
        for (MappedTable.Stored f : failures.values()) {
            if (f.modRevision() <= revision) {
                log.add(new Difference(DifferenceKind.EXTRA, f.key(), 0, f.modRevision(), null, null, table), -1);
            }
        }
    }

    private void judge(String table, Row row, MappedTable.Projection expected, MappedTable.Stored sql) {
        if (expected.hasRow() && sql == null) {
            log.add(new Difference(DifferenceKind.MISSING, row.key(), row.modRevision(), 0, null, null, table), -1);
        } else if (!expected.hasRow() && sql != null) {
            log.add(new Difference(DifferenceKind.EXTRA, sql.key(), row == null ? 0 : row.modRevision(), sql.modRevision(),
                    null, null, table), -1);
        } else if (expected.hasRow()) {
            if (sql.modRevision() < row.modRevision()) {
                log.add(new Difference(DifferenceKind.STALE, row.key(), row.modRevision(), sql.modRevision(), null, null, table), -1);
            } else if (!expected.cells().equals(sql.cells())) {
                log.add(new Difference(DifferenceKind.MISMATCH, row.key(), row.modRevision(), sql.modRevision(),
                        digest(expected.cells()), digest(sql.cells()), table), -1);
            }
        }
    }

    /** A digest of a row's cells: whether two rows are the same, without printing values that may be secret. */
    private static String digest(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (String c : cells) {
            sb.append(c == null ? "\u0001" : c).append('\u0000');
        }
        return Difference.digest(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
