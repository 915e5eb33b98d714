package io.ferry.sink.dialect.postgres;

import io.ferry.core.config.JdbcTarget;
import io.ferry.sink.ColumnType;
import io.ferry.sink.NewRowLoader;
import io.ferry.sink.dialect.AbstractDialect;
import io.ferry.state.StateTables;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL: {@code bytea} keys and values, {@code INSERT ... ON CONFLICT (key) DO UPDATE ...
 * WHERE stored.mod_revision < EXCLUDED.mod_revision}, and pgjdbc's {@code reWriteBatchedInserts}
 * so that batched VALUES inserts travel as multi-row statements. Batches of new keys go by binary
 * {@code COPY} ({@link PostgresCopy}).
 */
final class PostgresDialect extends AbstractDialect {

    /** A btree entry must fit in a third of an 8 KiB page (2704 bytes with its header). */
    private static final int MAX_KEY_BYTES = 2700;

    @Override
    public JdbcTarget.Kind kind() {
        return JdbcTarget.Kind.POSTGRES;
    }

    @Override
    public int maxKeyBytes() {
        return MAX_KEY_BYTES;
    }

    @Override
    public Map<String, String> driverProperties() {
        return Map.of("reWriteBatchedInserts", "true");
    }

    @Override
    protected String keyType() {
        return "bytea";
    }

    @Override
    protected String valueType() {
        return "bytea";
    }

    @Override
    public String guardedUpsert(String table, List<String> columns, List<String> placeholders, boolean repair) {
        StringBuilder set = new StringBuilder();
        for (String c : columns.subList(1, columns.size())) {
            set.append(set.isEmpty() ? "" : ", ").append(q(c)).append(" = EXCLUDED.").append(q(c));
        }
        return "INSERT INTO " + q(table) + " AS t (" + columnList(columns) + ") SELECT " + String.join(", ", placeholders)
                + " WHERE " + noNewerTombstone() + " ON CONFLICT (" + q("key") + ") DO UPDATE SET " + set + " WHERE t."
                + q("mod_revision") + (repair ? " <= " : " < ") + "EXCLUDED." + q("mod_revision");
    }

    /**
     * The batch as six arrays through {@code unnest}: one statement and one round trip for the
     * whole batch, which beats even rewritten multi-row inserts, and still one guarded
     * {@code ON CONFLICT} per row.
     */
    @Override
    public String bulkUpsert(String table, boolean repair) {
        StringBuilder set = new StringBuilder();
        for (String c : ROW_COLUMNS.subList(1, ROW_COLUMNS.size())) {
            set.append(set.isEmpty() ? "" : ", ").append(q(c)).append(" = EXCLUDED.").append(q(c));
        }
        return "INSERT INTO " + q(table) + " AS t (" + rowColumns() + ") SELECT u.k, u.v, u.c, u.m, u.ver, u.l FROM "
                + "unnest(?::bytea[], ?::bytea[], ?::int8[], ?::int8[], ?::int8[], ?::int8[]) AS u(k, v, c, m, ver, l) "
                + "WHERE NOT EXISTS (SELECT 1 FROM " + q(StateTables.TOMBSTONES) + " d WHERE d." + q("key") + " = u.k AND d."
                + q("revision") + " >= u.m) ON CONFLICT (" + q("key") + ") DO UPDATE SET " + set + " WHERE t."
                + q("mod_revision") + (repair ? " <= " : " < ") + "EXCLUDED." + q("mod_revision");
    }

    @Override
    public NewRowLoader newRowLoader() {
        return new PostgresCopy(this);
    }

    @Override
    public String columnType(ColumnType type) {
        return switch (type) {
            case TEXT -> "text";
            case BIGINT -> "bigint";
            case DOUBLE -> "double precision";
            case BOOLEAN -> "boolean";
            case TIMESTAMP -> "timestamptz";
            case JSON -> "jsonb";
        };
    }

    @Override
    public String placeholder(ColumnType type) {
        return switch (type) {
            case JSON -> "CAST(? AS jsonb)";
            // The text is UTC without a zone; AT TIME ZONE makes it that instant, whatever the session's TimeZone.
            case TIMESTAMP -> "(CAST(? AS timestamp) AT TIME ZONE 'UTC')";
            default -> "?";
        };
    }

    @Override
    public String upsertTombstone() {
        return "INSERT INTO " + q(StateTables.TOMBSTONES) + " AS d (" + q("key") + ", " + q("revision") + ", " + q("deleted_at")
                + ") VALUES (?, ?, ?) ON CONFLICT (" + q("key") + ") DO UPDATE SET " + q("revision") + " = EXCLUDED."
                + q("revision") + ", " + q("deleted_at") + " = EXCLUDED." + q("deleted_at") + " WHERE d." + q("revision")
                + " < EXCLUDED." + q("revision");
    }

    @Override
    public String insertOffsetIfAbsent() {
        return "INSERT INTO " + q(StateTables.OFFSETS) + " VALUES (?, ?, -1, 0, 0, 0, 0) ON CONFLICT DO NOTHING";
    }

    @Override
    public String upsertMeta() {
        return "INSERT INTO " + q(StateTables.META) + " VALUES (?, ?) ON CONFLICT (" + q("name") + ") DO UPDATE SET " + q("value")
                + " = EXCLUDED." + q("value");
    }

    @Override
    public String insertSweepCandidate() {
        return "INSERT INTO " + q(StateTables.SWEEP) + " VALUES (?, ?, ?) ON CONFLICT (" + q("key") + ") DO UPDATE SET "
                + q("partition_id") + " = EXCLUDED." + q("partition_id") + ", " + q("epoch") + " = EXCLUDED." + q("epoch");
    }
}
