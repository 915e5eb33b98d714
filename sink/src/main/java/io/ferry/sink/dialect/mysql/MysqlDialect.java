package io.ferry.sink.dialect.mysql;

import com.mysql.cj.jdbc.JdbcConnection;
import io.ferry.core.config.JdbcTarget;
import io.ferry.sink.ColumnType;
import io.ferry.sink.InsertLoader;
import io.ferry.sink.NewRowLoader;
import io.ferry.sink.dialect.AbstractDialect;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MySQL 8 and MariaDB through Connector/J.
 *
 * <p>Keys are {@code VARBINARY(3072)}: the key is the primary key and InnoDB (DYNAMIC rows)
 * indexes at most 3072 bytes, so longer keys are bad input, reported and never truncated.
 * Values are {@code LONGBLOB}. The table has no other unique index, so {@code ON DUPLICATE KEY}
 * can only ever match the primary key, the peers' "matched another unique key" bug cannot happen.
 * MySQL evaluates the assignments of {@code ON DUPLICATE KEY UPDATE} left to right against the
 * already updated row, so {@code mod_revision} is assigned last ({@link io.ferry.state.Upsert}
 * does it): every other column compares against the old revision.
 */
final class MysqlDialect extends AbstractDialect {

    private static final int MAX_KEY_BYTES = 3072;
    /** Deadlock, lock wait timeout, server shutdown, connection killed, server gone, lost connection. */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(1213, 1205, 1053, 1927, 2006, 2013);
    /** ER_DUP_ENTRY. */
    private static final int DUPLICATE_KEY = 1062;

    MysqlDialect() {
        super(JdbcTarget.Kind.MYSQL, MAX_KEY_BYTES, "VARBINARY(3072)", "LONGBLOB");
    }

    @Override
    public Map<String, String> driverProperties() {
        return Map.of("rewriteBatchedStatements", "true", "useAffectedRows", "true");
    }

    /**
     * READ COMMITTED, as PostgreSQL's default: under InnoDB's REPEATABLE READ the guarded upsert's {@code INSERT ...
     * SELECT} reads the target and the tombstones with next-key locks, which lock the gaps between keys too, so two
     * sink writers filling the same table with keys of different partitions deadlocked each other on those gaps. The
     * sink needs no repeatable read: a partition's keys are written by one writer, and another sink on the same
     * partition is stopped by the row lock of the offset fence, taken first in every transaction. Only with several
     * writers: with one, the isolation stays the server's, and a server that logs statements ({@code binlog_format}
     * STATEMENT, which InnoDB refuses under READ COMMITTED) keeps working.
     */
    @Override
    public String parallelWritersIsolation() {
        return "TRANSACTION_READ_COMMITTED";
    }

    @Override
    public long maxStatementBytes(java.sql.Connection c) throws SQLException {
        try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT @@max_allowed_packet")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * New keys by plain multi-row INSERTs: each row written once, instead of into the staging table and
     * then from it. The statements are prepared on the server, so keys and values travel as binary
     * parameters: Connector/J's client-side statements (and its rewritten batches, even of a server-side
     * statement) escape every byte into the SQL text, which took two thirds of the writer's time.
     */
    @Override
    public NewRowLoader newRowLoader() {
        return new InsertLoader(this, e -> e.getErrorCode() == DUPLICATE_KEY,
                (c, sql) -> c.unwrap(JdbcConnection.class).serverPrepareStatement(sql));
    }

    @Override
    protected String tableOptions() {
        return " ENGINE=InnoDB";
    }

    /**
     * Connector/J rewrites only batched {@code INSERT ... VALUES} into multi-row statements, so the
     * guarded {@code INSERT ... SELECT} of {@link #guardedUpsert} costs one round trip per row. A batch instead goes
     * into a temporary table with a rewritten plain insert and is applied by one
     * {@code INSERT ... SELECT} from it. Temporary tables are per session and their CREATE and
     * DROP do not commit the transaction. Each batch drops the last batch's stage and creates it anew:
     * emptied with DELETE instead, InnoDB's temporary table kept its freed pages, and at a million
     * rows each DELETE of a few thousand took over a second (TRUNCATE would commit).
     */
    @Override
    public Staging staging(String table, List<String> columns, boolean repair) {
        String stage = q(stageName(table));
        String target = q(table);
        return new Staging(
                "CREATE TEMPORARY TABLE " + stage + " LIKE " + target,
                "DROP TEMPORARY TABLE IF EXISTS " + stage,
                "INSERT INTO " + stage + " (" + columnList(columns) + ") VALUES ("
                        + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")",
                "SELECT COUNT(*) FROM " + stage + " s WHERE " + tombstoneAtOrAfter("s") + " OR EXISTS (SELECT 1 FROM "
                        + target + " t WHERE t." + q("key") + " = s." + q("key") + " AND t." + q("mod_revision")
                        + (repair ? " > " : " >= ") + "s." + q("mod_revision") + ")",
                // The target's columns are qualified: unqualified they would be ambiguous with the stage's.
                upsert(table, columns, repair).qualified().select("SELECT " + qualified("s", columns) + " FROM " + stage
                        + " s WHERE NOT " + tombstoneAtOrAfter("s")).sql());
    }

    /** {@code ferry_stage_<table>} in the table's schema; hashed where it would pass the 64-character limit. */
    static String stageName(String table) {
        int dot = table.lastIndexOf('.');
        String name = "ferry_stage_" + table.substring(dot + 1);
        if (name.length() > 64) {
            name = "ferry_stage_" + Integer.toHexString(table.hashCode());
        }
        return table.substring(0, dot + 1) + name;
    }

    @Override
    public String columnType(ColumnType type) {
        return switch (type) {
            case TEXT -> "LONGTEXT";
            case BIGINT -> "BIGINT";
            case DOUBLE -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            // DATETIME, not TIMESTAMP: no conversion through the session's time zone, no 2038 limit; the sink writes UTC.
            case TIMESTAMP -> "DATETIME(6)";
            case JSON -> "JSON";
        };
    }

    /** ER_TABLE_EXISTS_ERROR, ER_DUP_FIELDNAME, ER_DUP_KEYNAME: MySQL's DDL commits statement by statement. */
    @Override
    public boolean alreadyApplied(SQLException e) {
        return e.getErrorCode() == 1050 || e.getErrorCode() == 1060 || e.getErrorCode() == 1061;
    }

    @Override
    public boolean isTransient(SQLException e) {
        return super.isTransient(e) || TRANSIENT_CODES.contains(e.getErrorCode());
    }
}
