package io.ferry.sink;

import io.ferry.core.event.Bytes;
import io.ferry.state.StateSql;
import io.ferry.state.TombstonesTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes, before a batch's repairs are applied, the rows and tombstones that each repair's
 * {@link Unpin} names: SQL's state of the key at a revision etcd never gave it. Plain SQL, the same
 * on every dialect, in the batch's transaction; the repair's own guarded write then puts etcd's
 * state in their place. A row or tombstone that has moved to any other revision meanwhile (a real
 * change arrived) is left alone, and so is the repair's effect: the guard refuses it as stale.
 */
final class Unpinning {

    private static final Logger LOG = LoggerFactory.getLogger(Unpinning.class);

    private Unpinning() {
    }

    static void apply(Connection c, SqlDialect dialect, String table, List<TableMapping> mappings, List<RowChange> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        StateSql sql = new StateSql(dialect.kind());
        long removedRows = remove(c, sql.deleteUnpinned(table, "mod_revision"), rows, null);
        long removedTombstones = remove(c, new TombstonesTable(dialect.kind()).deleteUnpinned(), rows, null);
        for (TableMapping m : mappings) {
            remove(c, sql.deleteUnpinned(m.table(), "mod_revision"), rows, m);
        }
        if (removedRows + removedTombstones > 0) {
            LOG.warn("Repair removed {} rows and {} tombstones at revisions etcd never gave their keys (first key {}), so that "
                    + "etcd's state can take their place. Such revisions come from records Ferry did not write: see "
                    + "docs/security.md.", removedRows, removedTombstones, Bytes.printable(rows.get(0).key()));
        }
    }

    /** Runs a {@link StateSql#deleteUnpinned} statement for each row ({@code only}: of that mapping's keys). */
    private static long remove(Connection c, String sql, List<RowChange> rows, TableMapping only) throws SQLException {
        long removed = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int n = 0;
            for (RowChange r : rows) {
                if (only != null && !only.matches(r.key())) {
                    continue;
                }
                ps.setBytes(1, r.key());
                ps.setLong(2, r.unpin().after());
                ps.setLong(3, r.unpin().through());
                // 0 matches nothing: etcd's revisions start at 1.
                ps.setLong(4, r.unpin().replaces());
                ps.addBatch();
                n++;
            }
            if (n == 0) {
                return 0;
            }
            for (int count : ps.executeBatch()) {
                removed += Math.max(0, count);
            }
        }
        return removed;
    }
}
