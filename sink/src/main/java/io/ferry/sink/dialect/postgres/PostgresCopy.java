package io.ferry.sink.dialect.postgres;

import io.ferry.sink.ColumnType;
import io.ferry.sink.NewRowLoader;
import io.ferry.sink.RowColumns;
import io.ferry.sink.SqlDialect;
import io.ferry.sink.TypedRows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * New rows through {@code COPY ... FROM STDIN (FORMAT binary)}: no text escaping of the bytea
 * columns and no per-row statement, parse or conflict check, so PostgreSQL takes them about as
 * fast as a server-side {@code INSERT ... SELECT}. Mapped tables' rows go the same way, each cell
 * in its column's binary form.
 */
final class PostgresCopy implements NewRowLoader {

    private static final String UNIQUE_VIOLATION = "23505";
    /** SQLSTATE class 22, data exception: for example text with a NUL byte, which PostgreSQL does not store. */
    private static final String DATA_EXCEPTION_CLASS = "22";

    private final SqlDialect dialect;

    PostgresCopy(SqlDialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public void load(Connection c, String table, RowColumns rows) throws SQLException {
        try (CopyStream out = CopyStream.open(c, copy(table, SqlDialect.ROW_COLUMNS))) {
            for (int i = 0; i < rows.size(); i++) {
                out.row(6);
                out.bytes(rows.keys()[i]);
                out.bytes(rows.values()[i]);
                out.int8(rows.createRevisions()[i]);
                out.int8(rows.modRevisions()[i]);
                out.int8(rows.versions()[i]);
                out.int8(rows.leases()[i]);
            }
            out.end();
        }
    }

    @Override
    public void load(Connection c, String table, TypedRows rows) throws SQLException {
        List<String> columns = new ArrayList<>(List.of("key", "mod_revision"));
        columns.addAll(rows.columns());
        List<ColumnType> types = rows.types();
        try (CopyStream out = CopyStream.open(c, copy(table, columns))) {
            for (int i = 0; i < rows.size(); i++) {
                out.row(columns.size());
                out.bytes(rows.keys()[i]);
                out.int8(rows.modRevisions()[i]);
                Object[] cells = rows.cells()[i];
                for (int k = 0; k < cells.length; k++) {
                    out.cell(types.get(k), cells[k]);
                }
            }
            out.end();
        }
    }

    private String copy(String table, List<String> columns) {
        StringBuilder list = new StringBuilder();
        for (String column : columns) {
            list.append(list.isEmpty() ? "" : ", ").append(dialect.quote(column));
        }
        return "COPY " + dialect.quote(table) + " (" + list + ") FROM STDIN (FORMAT binary)";
    }

    @Override
    public boolean isDuplicateKey(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    @Override
    public boolean isBadValue(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith(DATA_EXCEPTION_CLASS);
    }
}
