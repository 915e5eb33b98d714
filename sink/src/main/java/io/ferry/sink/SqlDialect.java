package io.ferry.sink;

import io.ferry.core.config.JdbcTarget;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Everything the sink says to a database that differs between PostgreSQL, MySQL/MariaDB and
 * SQLite. One implementation per database lives in {@code io.ferry.sink.dialect.<db>}; get one
 * from {@link io.ferry.sink.dialect.SqlDialects#forKind}.
 *
 * <p>Every row write is guarded by revision inside the statement itself, so that two sinks that
 * briefly overlap during a rebalance, a replay, or a retried batch can never move a row backwards
 * or bring a deleted key back.
 */
public interface SqlDialect {

    /** The dialect of a database family: the sink's one way in to its per-database SQL. */
    static SqlDialect of(io.ferry.core.config.JdbcTarget.Kind kind) {
        return io.ferry.sink.dialect.SqlDialects.forKind(kind);
    }

    /** Columns of the generic table, in parameter order. */
    List<String> ROW_COLUMNS = List.of("key", "value", "create_revision", "mod_revision", "version", "lease");

    JdbcTarget.Kind kind();

    /** Quotes one identifier, or each part of {@code schema.table}. */
    String quote(String identifier);

    /** Longest key in bytes the key column (a primary key) can index. */
    int maxKeyBytes();

    /** Driver properties for the fastest safe bulk path (batch rewriting, WAL). */
    Map<String, String> driverProperties();

    /**
     * The isolation level the sink's pooled connections take when several writers fill one table at once
     * ({@code sink.writers}), as HikariCP names it, or null for the server's default.
     */
    default String parallelWritersIsolation() {
        return null;
    }

    /** Versioned DDL of the generic table {@code table}: element i is migration i + 1. */
    List<List<String>> tableMigrations(String table);

    /**
     * Inserts or updates a row only when it is newer than the stored row and than any tombstone of
     * its key. Parameters: key, value, create_revision, mod_revision, version, lease, key,
     * mod_revision. With {@code repair}, a row at the same revision is rewritten too.
     */
    String guardedUpsert(String table, boolean repair);

    /**
     * The same guard over any columns: {@code columns} starts with {@code key} and contains
     * {@code mod_revision}; {@code placeholders} gives each column's parameter (a cast where the
     * driver sends text). Parameters: the columns in order, then key and mod_revision.
     */
    String guardedUpsert(String table, List<String> columns, List<String> placeholders, boolean repair);

    /** Versioned DDL of a mapped table with the given column types (name to SQL type). */
    List<List<String>> mappedTableMigrations(String table, Map<String, String> typedColumns);

    /**
     * One statement that applies a whole batch to the generic table from arrays, with the same
     * guard as {@link #guardedUpsert(String, boolean)}, or null when the dialect has none.
     * Parameters: arrays of key, value, create_revision, mod_revision, version, lease. Keys must be
     * unique within the batch.
     */
    default String bulkUpsert(String table, boolean repair) {
        return null;
    }

    /**
     * The bulk-load path for batches of new keys ({@link NewRowLoader}), or null when the dialect
     * has none and every batch is upserted.
     */
    default NewRowLoader newRowLoader() {
        return null;
    }

    /**
     * The guarded upsert of {@code rows} rows in one statement from a multi-row VALUES list, or
     * null when the dialect has none. Same columns and placeholders as
     * {@link #guardedUpsert(String, List, List, boolean)}; parameters: each row's columns in order.
     */
    default String valuesUpsert(String table, List<String> columns, List<String> placeholders, int rows,
                                boolean repair) {
        return null;
    }

    /**
     * Statements that apply a batch through a per-session staging table, or null when the dialect
     * does not stage. Same columns as {@link #guardedUpsert(String, List, List, boolean)}.
     */
    default Staging staging(String table, List<String> columns, boolean repair) {
        return null;
    }

    /**
     * A batch through a staging table, run in this order inside the batch transaction.
     *
     * @param create creates the session's staging table, without ending the transaction
     * @param clear drops an earlier batch's staging table, if any; runs before {@code create}
     * @param load inserts one row (batched); parameters: the columns in order
     * @param staleCount counts the staged rows the guard will leave alone (stale or tombstoned)
     * @param upsert applies the staged rows with the revision guard and the tombstone check
     */
    record Staging(String create, String clear, String load, String staleCount, String upsert) {
    }

    /** SQL type of a mapped column; {@link ColumnType#JSON} is also the type of the {@code doc} column. */
    String columnType(ColumnType type);

    /**
     * Parameter placeholder of a mapped column's value. JSON is bound as its text, a timestamp as
     * UTC text {@code 2024-05-01 10:00:00.500000}; a dialect casts them where its types need it.
     */
    default String placeholder(ColumnType type) {
        return "?";
    }

    /**
     * True when a DDL statement failed because what it creates is already there. Only where DDL
     * commits by itself, so that a migration cut off halfway left part of it applied; elsewhere a
     * migration commits together with its version or not at all, and this is false.
     */
    default boolean alreadyApplied(SQLException e) {
        return false;
    }

    /**
     * The server's bound on one statement's size in bytes ({@code max_allowed_packet} on MySQL and MariaDB),
     * or 0 when it has none that a row up to {@code sink.value.max.bytes} could reach.
     */
    default long maxStatementBytes(java.sql.Connection c) throws SQLException {
        return 0;
    }

    /** True when the failure is worth retrying: a lost connection, a deadlock, a lock timeout. */
    default boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return e instanceof java.sql.SQLTransientException || e instanceof java.sql.SQLRecoverableException
                || (state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")));
    }
}
