package io.ferry.sink;

import io.ferry.state.SweepTable;
import io.ferry.state.TombstonesTable;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects row changes, keeps only the newest per key, and writes them set-based where the
 * dialect can ({@link GuardedUpserts}), else as batched statements.
 * Keys never repeat within one flush, so the order of statements between keys does not matter;
 * the revision guard in each statement decides whether a row changes.
 */
final class RowBuffer {

    private static final List<String> PLACEHOLDERS = java.util.Collections.nCopies(SqlDialect.ROW_COLUMNS.size(), "?");

    private final SqlDialect dialect;
    private final TombstonesTable tombstones;
    private final SweepTable sweep;
    private final String table;
    private final List<TableMapping> mappings;
    private final NewRowsFirst newRows;
    private final Map<String, NewRowsFirst> newMappedRows;
    /** Linked, so each partition's keys stay in the order they came (etcd's, for a snapshot) and sort fast. */
    private final Map<ByteBuffer, RowChange> pending = new LinkedHashMap<>();
    private final ApplyCounts counts;

    /**
     * @param newRows the generic table's bulk-load path for new keys
     * @param newMappedRows each mapped table's, by table name
     */
    RowBuffer(SqlDialect dialect, String table, List<TableMapping> mappings, NewRowsFirst newRows,
              Map<String, NewRowsFirst> newMappedRows, ApplyCounts counts) {
        this.dialect = dialect;
        this.tombstones = new TombstonesTable(dialect.kind());
        this.sweep = new SweepTable(dialect.kind());
        this.table = table;
        this.mappings = mappings;
        this.newRows = newRows;
        this.newMappedRows = newMappedRows;
        this.counts = counts;
    }

    void add(RowChange change) {
        RowChange previous = pending.putIfAbsent(ByteBuffer.wrap(change.key()), change);
        if (previous != null) {
            counts.superseded++;
            if (newer(change, previous)) {
                pending.put(ByteBuffer.wrap(change.key()), change);
            }
        }
    }

    private static boolean newer(RowChange candidate, RowChange current) {
        return candidate.modRevision() > current.modRevision()
                || (candidate.modRevision() == current.modRevision() && candidate.repair() && !current.isDelete());
    }

    /**
     * Writes everything pending.
     *
     * @param sweeping partitions whose snapshot has rows left to refresh: a change to one of
     *        their keys takes the key off the sweep list
     */
    void flush(Connection c, Set<Integer> sweeping) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        List<RowChange> puts = new ArrayList<>();
        List<RowChange> repairs = new ArrayList<>();
        List<RowChange> deletes = new ArrayList<>();
        List<RowChange> refreshed = new ArrayList<>();
        List<RowChange> unpins = new ArrayList<>();
        for (RowChange r : pending.values()) {
            (r.isDelete() ? deletes : r.repair() ? repairs : puts).add(r);
            if (r.mapped() != null && !r.mapped().decoded()) {
                counts.decodeFailure(r.mapped().mapping().table(), r.mapped().failureTag());
            }
            if (r.unpin() != null) {
                unpins.add(r);
            }
            if (r.snapshotRefresh() && sweeping.contains(r.partition())) {
                refreshed.add(r);
            }
        }
        pending.clear();
        Unpinning.apply(c, dialect, table, mappings, unpins);
        upsert(c, false, puts);
        upsert(c, true, repairs);
        delete(c, deletes);
        MappedWrites.upsert(c, dialect, table, puts, false, newMappedRows);
        MappedWrites.upsert(c, dialect, table, repairs, true, newMappedRows);
        MappedWrites.delete(c, dialect, mappings, deletes.stream().map(RowChange::key).toList(),
                deletes.stream().mapToLong(RowChange::modRevision).toArray(), false);
        unlistForSweep(c, refreshed);
    }

    private void upsert(Connection c, boolean repair, List<RowChange> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        long applied = repair ? -1 : newRows.apply(c, rows);
        if (applied < 0) {
            String arrays = dialect.bulkUpsert(table, repair);
            applied = arrays != null && rows.size() > 1 ? arrayUpsert(c, arrays, RowColumns.sortedByKey(rows))
                    : GuardedUpserts.apply(c, dialect, table, SqlDialect.ROW_COLUMNS, PLACEHOLDERS, rows, RowBuffer::bind, repair);
        }
        counts.applied += applied;
        counts.skippedStale += rows.size() - applied;
    }

    /** Binds {@link SqlDialect#ROW_COLUMNS}. */
    private static int bind(PreparedStatement ps, int first, RowChange r) throws SQLException {
        ps.setBytes(first, r.key());
        ps.setBytes(first + 1, r.value());
        ps.setLong(first + 2, r.createRevision());
        ps.setLong(first + 3, r.modRevision());
        ps.setLong(first + 4, r.version());
        ps.setLong(first + 5, r.lease());
        return first + 6;
    }

    /** The whole batch as one array per column ({@link SqlDialect#bulkUpsert}); returns the rows changed. */
    private static long arrayUpsert(Connection c, String sql, RowColumns rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("bytea", rows.keys()));
            ps.setArray(2, c.createArrayOf("bytea", rows.values()));
            long[][] longs = {rows.createRevisions(), rows.modRevisions(), rows.versions(), rows.leases()};
            for (int a = 0; a < longs.length; a++) {
                ps.setArray(3 + a, c.createArrayOf("int8", java.util.Arrays.stream(longs[a]).boxed().toArray()));
            }
            return ps.executeUpdate();
        }
    }

    private void delete(Connection c, List<RowChange> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        String sql = "DELETE FROM " + dialect.quote(table) + " WHERE " + dialect.quote("key") + " = ? AND "
                + dialect.quote("mod_revision") + " < ?";
        try (PreparedStatement del = c.prepareStatement(sql);
             PreparedStatement tomb = c.prepareStatement(tombstones.upsert())) {
            for (RowChange r : rows) {
                del.setBytes(1, r.key());
                del.setLong(2, r.modRevision());
                del.addBatch();
                tomb.setBytes(1, r.key());
                tomb.setLong(2, r.modRevision());
                tomb.setLong(3, now);
                tomb.addBatch();
            }
            for (int n : del.executeBatch()) {
                if (n == 0) {
                    counts.skippedStale++;
                } else {
                    counts.deleted++;
                }
            }
            tomb.executeBatch();
        }
    }

    private void unlistForSweep(Connection c, List<RowChange> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sweep.unlist())) {
            for (RowChange r : rows) {
                ps.setBytes(1, r.key());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
