package io.ferry.sink.dialect.postgres;

import io.ferry.core.config.JdbcTarget;
import io.ferry.sink.ColumnType;
import io.ferry.sink.NewRowLoader;
import io.ferry.sink.dialect.AbstractDialect;
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

    PostgresDialect() {
        super(JdbcTarget.Kind.POSTGRES, MAX_KEY_BYTES, "bytea", "bytea");
    }

    @Override
    public Map<String, String> driverProperties() {
        return Map.of("reWriteBatchedInserts", "true");
    }

    /**
     * The batch as six arrays through {@code unnest}: one statement and one round trip for the
     * whole batch, which beats even rewritten multi-row inserts, and still one guarded
     * {@code ON CONFLICT} per row.
     */
    @Override
    public String bulkUpsert(String table, boolean repair) {
        return upsert(table, ROW_COLUMNS, repair).select("SELECT u.k, u.v, u.c, u.m, u.ver, u.l FROM "
                + "unnest(?::bytea[], ?::bytea[], ?::int8[], ?::int8[], ?::int8[], ?::int8[]) AS u(k, v, c, m, ver, l) "
                + "WHERE NOT " + tombstones.atOrAfter("u.k", "u.m")).sql();
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
}
