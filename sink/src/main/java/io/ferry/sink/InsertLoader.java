package io.ferry.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntToLongFunction;
import java.util.function.Predicate;

/**
 * New rows by plain multi-row {@code INSERT}s, for databases without a {@code COPY}: MySQL/MariaDB
 * and SQLite. Without the guarded upsert's conflict clause, tombstone subquery and (on MySQL)
 * staging table, each row is written once, and a key that is already there fails the statement on
 * the primary key ({@link NewRowsFirst} then upserts the batch). Many rows per statement, because
 * each statement is a round trip (MySQL) or a step across JNI (SQLite); where the server bounds a
 * statement's size ({@code max_allowed_packet}), a statement takes only as many of the batch's
 * largest row as fit.
 */
public final class InsertLoader implements NewRowLoader {

    /** Prepares the load's statements; where the driver has a faster kind for many parameters, that one. */
    public interface Preparer {
        PreparedStatement prepare(Connection c, String sql) throws SQLException;
    }

    /** Binds row {@code row} from parameter {@code first} on; returns the next parameter. */
    private interface RowBinder {
        int bind(PreparedStatement ps, int first, int row) throws SQLException;
    }

    /** Under SQLite's limit of 32,766 parameters per statement (MySQL's is 65,535). */
    private static final int MAX_PARAMETERS = 32_000;
    /** Past this many rows a longer statement only costs parsing. */
    private static final int MAX_ROWS = 1000;
    /** Per row and cell, what a statement carries besides the bytes: lengths, types, separators. */
    private static final int CELL_OVERHEAD = 16;
    /** SQLSTATE class 22, data exception: a value the column cannot take. */
    private static final String DATA_EXCEPTION_CLASS = "22";

    private final SqlDialect dialect;
    private final Predicate<SQLException> duplicateKey;
    private final Preparer preparer;
    /** The server's bound on one statement, read once; 0 when it has none; -1 before it is read. */
    private long maxStatementBytes = -1;

    /**
     * @param duplicateKey true for the database's error of a key already in the table
     */
    public InsertLoader(SqlDialect dialect, Predicate<SQLException> duplicateKey, Preparer preparer) {
        this.dialect = dialect;
        this.duplicateKey = duplicateKey;
        this.preparer = preparer;
    }

    @Override
    public void load(Connection c, String table, RowColumns rows) throws SQLException {
        insert(c, table, SqlDialect.ROW_COLUMNS, Collections.nCopies(SqlDialect.ROW_COLUMNS.size(), "?"), rows.size(),
                i -> rows.keys()[i].length + rows.values()[i].length + 6L * CELL_OVERHEAD,
                (ps, p, i) -> {
                    ps.setBytes(p, rows.keys()[i]);
                    ps.setBytes(p + 1, rows.values()[i]);
                    ps.setLong(p + 2, rows.createRevisions()[i]);
                    ps.setLong(p + 3, rows.modRevisions()[i]);
                    ps.setLong(p + 4, rows.versions()[i]);
                    ps.setLong(p + 5, rows.leases()[i]);
                    return p + 6;
                });
    }

    @Override
    public void load(Connection c, String table, TypedRows rows) throws SQLException {
        List<String> columns = new ArrayList<>(List.of("key", "mod_revision"));
        columns.addAll(rows.columns());
        List<String> placeholders = new ArrayList<>(List.of("?", "?"));
        rows.types().forEach(t -> placeholders.add(dialect.placeholder(t)));
        insert(c, table, columns, placeholders, rows.size(), i -> rowBytes(rows, i), (ps, p, i) -> {
            ps.setBytes(p, rows.keys()[i]);
            ps.setLong(p + 1, rows.modRevisions()[i]);
            Object[] cells = rows.cells()[i];
            for (int k = 0; k < cells.length; k++) {
                ColumnValues.bind(ps, p + 2 + k, rows.types().get(k), cells[k]);
            }
            return p + 2 + cells.length;
        });
    }

    /** At most: text as UTF-8 takes up to 3 bytes a char. */
    private static long rowBytes(TypedRows rows, int i) {
        long bytes = rows.keys()[i].length + 2L * CELL_OVERHEAD;
        for (Object cell : rows.cells()[i]) {
            bytes += CELL_OVERHEAD + (cell instanceof String s ? 3L * s.length() : 0);
        }
        return bytes;
    }

    private void insert(Connection c, String table, List<String> columns, List<String> placeholders, int n,
                        IntToLongFunction rowBytes, RowBinder binder) throws SQLException {
        StringBuilder head = new StringBuilder("INSERT INTO ").append(dialect.quote(table)).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            head.append(i == 0 ? "" : ", ").append(dialect.quote(columns.get(i)));
        }
        head.append(") VALUES ");
        String row = "(" + String.join(", ", placeholders) + ")";
        int chunk = rowsPerStatement(c, columns.size(), n, rowBytes);
        PreparedStatement full = null;
        try {
            for (int from = 0; from < n; from += chunk) {
                int rows = Math.min(chunk, n - from);
                PreparedStatement ps;
                if (rows == chunk) {
                    if (full == null) {
                        full = preparer.prepare(c, head + String.join(", ", Collections.nCopies(chunk, row)));
                    }
                    ps = full;
                } else {
                    ps = preparer.prepare(c, head + String.join(", ", Collections.nCopies(rows, row)));
                }
                try {
                    int p = 1;
                    for (int i = from; i < from + rows; i++) {
                        p = binder.bind(ps, p, i);
                    }
                    ps.executeUpdate();
                } finally {
                    if (ps != full) {
                        ps.close();
                    }
                }
            }
        } finally {
            if (full != null) {
                full.close();
            }
        }
    }

    /** One count for the whole batch, so that every full statement is the same prepared one. */
    private int rowsPerStatement(Connection c, int columns, int n, IntToLongFunction rowBytes) throws SQLException {
        int rows = Math.max(1, Math.min(MAX_ROWS, MAX_PARAMETERS / columns));
        if (maxStatementBytes < 0) {
            maxStatementBytes = dialect.maxStatementBytes(c);
        }
        if (maxStatementBytes > 0) {
            long largest = 1;
            for (int i = 0; i < n; i++) {
                largest = Math.max(largest, rowBytes.applyAsLong(i));
            }
            long budget = (maxStatementBytes - StatementLimit.STATEMENT_TEXT_BYTES) / 2;
            rows = (int) Math.max(1, Math.min(rows, budget / largest));
        }
        return rows;
    }

    @Override
    public boolean isDuplicateKey(SQLException e) {
        return duplicateKey.test(e);
    }

    @Override
    public boolean isBadValue(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith(DATA_EXCEPTION_CLASS);
    }
}
