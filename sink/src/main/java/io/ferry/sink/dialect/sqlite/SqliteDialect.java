package io.ferry.sink.dialect.sqlite;

import io.ferry.core.config.JdbcTarget;
import io.ferry.sink.ColumnType;
import io.ferry.sink.InsertLoader;
import io.ferry.sink.NewRowLoader;
import io.ferry.sink.dialect.AbstractDialect;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite, the embedded default: {@code BLOB} keys and values, WAL journal so readers (the
 * reconciler, {@code ferry status}) never block the writer, and one transaction per batch, which
 * is SQLite's fast bulk path.
 */
final class SqliteDialect extends AbstractDialect {

    /** SQLite has no index limit worth the name; keep keys to etcd's practical size. */
    private static final int MAX_KEY_BYTES = 1024 * 1024;
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;

    SqliteDialect() {
        super(JdbcTarget.Kind.SQLITE, MAX_KEY_BYTES, "BLOB", "BLOB");
    }

    @Override
    public Map<String, String> driverProperties() {
        return Map.of("journal_mode", "WAL", "busy_timeout", "10000", "synchronous", "NORMAL");
    }

    /**
     * The rows as a VALUES list named by a CTE: one statement per chunk instead of one per row,
     * which more than doubles SQLite's rate (each row of a batch is otherwise a statement step
     * across JNI). {@code changes()} then counts exactly the rows inserted or updated.
     */
    @Override
    public String valuesUpsert(String table, List<String> columns, List<String> placeholders, int rows,
                               boolean repair) {
        String row = "(" + String.join(", ", placeholders) + ")";
        return "WITH s (" + columnList(columns) + ") AS (VALUES " + String.join(", ", Collections.nCopies(rows, row))
                + ") " + upsert(table, columns, repair).select("SELECT " + qualified("s", columns) + " FROM s WHERE NOT "
                + tombstoneAtOrAfter("s")).sql();
    }

    /** New keys by plain multi-row INSERTs: no conflict clause and no tombstone subquery per row. */
    @Override
    public NewRowLoader newRowLoader() {
        return new InsertLoader(this, e -> e instanceof SQLiteException s
                && s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY, java.sql.Connection::prepareStatement);
    }

    @Override
    public String columnType(ColumnType type) {
        return switch (type) {
            case TEXT -> "TEXT";
            case BIGINT -> "INTEGER";
            case DOUBLE -> "REAL";
            case BOOLEAN -> "BOOLEAN";
            // UTC as 'YYYY-MM-DD HH:MM:SS.SSSSSS': sorts as text and is read by SQLite's date and time functions.
            case TIMESTAMP -> "TEXT";
            case JSON -> "TEXT";
        };
    }

    @Override
    public boolean isTransient(SQLException e) {
        int code = e.getErrorCode() & 0xFF;
        return super.isTransient(e) || code == SQLITE_BUSY || code == SQLITE_LOCKED;
    }
}
