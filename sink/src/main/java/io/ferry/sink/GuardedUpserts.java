package io.ferry.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Applies revision-guarded upserts of many rows to one table (generic or mapped) in the
 * dialect's fastest form: a staging table ({@link SqlDialect#staging}), chunks of a multi-row
 * VALUES statement ({@link SqlDialect#valuesUpsert}), or else one batched statement per row.
 * Every form carries the same guard, so the choice changes speed, never the result.
 */
final class GuardedUpserts {

    /** Binds one row's columns from parameter {@code first} on; returns the next parameter. */
    interface Binder {
        int bind(PreparedStatement ps, int first, RowChange row) throws SQLException;
    }

    /** Under SQLite's limit of 32,766 parameters per statement. */
    private static final int MAX_PARAMETERS = 32_000;
    /** Past this many rows a longer statement only costs parsing. */
    private static final int MAX_ROWS = 1000;

    private GuardedUpserts() {
    }

    /**
     * Writes {@code rows} (one per key) to {@code table}.
     *
     * @return how many rows were inserted or updated; the rest were stale or tombstoned
     */
    static long apply(Connection c, SqlDialect dialect, String table, List<String> columns, List<String> placeholders,
                      List<RowChange> rows, Binder binder, boolean repair) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        if (rows.size() > 1) {
            SqlDialect.Staging staging = dialect.staging(table, columns, repair);
            if (staging != null) {
                return staged(c, staging, rows, binder);
            }
            if (dialect.valuesUpsert(table, columns, placeholders, 1, repair) != null) {
                return values(c, dialect, table, columns, placeholders, rows, binder, repair);
            }
        }
        return perRow(c, dialect.guardedUpsert(table, columns, placeholders, repair), rows, binder);
    }

    private static long staged(Connection c, SqlDialect.Staging staging, List<RowChange> rows, Binder binder)
            throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(staging.clear());
            s.execute(staging.create());
        }
        try (PreparedStatement load = c.prepareStatement(staging.load())) {
            for (RowChange r : rows) {
                binder.bind(load, 1, r);
                load.addBatch();
            }
            load.executeBatch();
        }
        long stale;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(staging.staleCount())) {
            rs.next();
            stale = rs.getLong(1);
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate(staging.upsert());
        }
        // Counted before the upsert, with the guard's own predicate: MySQL's affected rows (1 per
        // insert, 2 per update) cannot tell the two apart. The offset fence keeps other writers
        // off these keys meanwhile, so the count holds.
        return rows.size() - stale;
    }

    private static long values(Connection c, SqlDialect dialect, String table, List<String> columns,
                               List<String> placeholders, List<RowChange> rows, Binder binder, boolean repair)
            throws SQLException {
        int chunk = Math.max(1, Math.min(MAX_ROWS, MAX_PARAMETERS / columns.size()));
        long applied = 0;
        for (int from = 0; from < rows.size(); from += chunk) {
            List<RowChange> part = rows.subList(from, Math.min(rows.size(), from + chunk));
            // Prepared per chunk: measured, that costs little next to binding the chunk's rows.
            try (PreparedStatement ps = c.prepareStatement(
                    dialect.valuesUpsert(table, columns, placeholders, part.size(), repair))) {
                int p = 1;
                for (RowChange r : part) {
                    p = binder.bind(ps, p, r);
                }
                applied += ps.executeUpdate();
            }
        }
        return applied;
    }

    /** One statement per row, batched; each reports whether its row changed. */
    private static long perRow(Connection c, String sql, List<RowChange> rows, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (RowChange r : rows) {
                int p = binder.bind(ps, 1, r);
                ps.setBytes(p, r.key());
                ps.setLong(p + 1, r.modRevision());
                ps.addBatch();
            }
            long applied = 0;
            for (int n : ps.executeBatch()) {
                if (n != 0) {
                    applied++;
                }
            }
            return applied;
        }
    }
}
