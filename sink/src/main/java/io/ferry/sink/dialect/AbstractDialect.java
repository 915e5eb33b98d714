package io.ferry.sink.dialect;

import io.ferry.sink.SqlDialect;
import java.util.List;

/**
 * The DDL and statements the three dialects share, written once with the column types and
 * quoting each dialect supplies. Subclasses add the upsert forms, which differ the most.
 */
public abstract class AbstractDialect implements SqlDialect {

    /** Binary type of a key column; it is a primary key, so it must be indexable. */
    protected abstract String keyType();

    /** Binary type of a value column, large enough for any etcd value. */
    protected abstract String valueType();

    /** Appended to every CREATE TABLE (MySQL picks the engine here). */
    protected String tableOptions() {
        return "";
    }

    protected final String q(String identifier) {
        return quote(identifier);
    }

    @Override
    public String quote(String identifier) {
        StringBuilder sb = new StringBuilder();
        for (String part : identifier.split("\\.")) {
            sb.append(sb.isEmpty() ? "" : ".").append('"').append(part.replace("\"", "\"\"")).append('"');
        }
        return sb.toString();
    }

    @Override
    public String createSchemaVersionTable() {
        return "CREATE TABLE IF NOT EXISTS " + q(SCHEMA_VERSION) + " (" + q("component") + " VARCHAR(128) NOT NULL, "
                + q("version") + " INT NOT NULL, " + q("applied_at") + " BIGINT NOT NULL, PRIMARY KEY ("
                + q("component") + ", " + q("version") + "))" + tableOptions();
    }

    @Override
    public List<List<String>> bookkeepingMigrations() {
        return List.of(List.of(
                "CREATE TABLE " + q(OFFSETS) + " (" + q("topic") + " VARCHAR(255) NOT NULL, " + q("partition_id")
                        + " INT NOT NULL, " + q("next_offset") + " BIGINT NOT NULL, " + q("watermark") + " BIGINT NOT NULL, "
                        + q("snapshot_epoch") + " BIGINT NOT NULL, " + q("snapshot_revision") + " BIGINT NOT NULL, "
                        + q("updated_at") + " BIGINT NOT NULL, PRIMARY KEY (" + q("topic") + ", " + q("partition_id") + "))"
                        + tableOptions(),
                "CREATE TABLE " + q(TOMBSTONES) + " (" + q("key") + " " + keyType() + " NOT NULL PRIMARY KEY, "
                        + q("revision") + " BIGINT NOT NULL, " + q("deleted_at") + " BIGINT NOT NULL)" + tableOptions(),
                "CREATE INDEX " + q("ferry_tombstones_deleted_at") + " ON " + q(TOMBSTONES) + " (" + q("deleted_at") + ")",
                "CREATE TABLE " + q(META) + " (" + q("name") + " VARCHAR(64) NOT NULL PRIMARY KEY, " + q("value")
                        + " VARCHAR(1024) NOT NULL)" + tableOptions(),
                "CREATE TABLE " + q(SWEEP) + " (" + q("key") + " " + keyType() + " NOT NULL PRIMARY KEY, "
                        + q("partition_id") + " INT NOT NULL, " + q("epoch") + " BIGINT NOT NULL)" + tableOptions()),
                // 2: the cutover record (ferry cutover writes it, the sink reads the switch from it) and the
                // changes etcd saw after the switch.
                List.of("CREATE TABLE " + q(CUTOVER) + " (" + q("id") + " BIGINT NOT NULL PRIMARY KEY, "
                        + q("topic") + " VARCHAR(255) NOT NULL, " + q("phase") + " VARCHAR(32) NOT NULL, " + q("r0") + " BIGINT NOT NULL, " + q("freeze_revision")
                        + " BIGINT NOT NULL, " + q("started_at") + " BIGINT NOT NULL, " + q("frozen_at") + " BIGINT NOT NULL, "
                        + q("switched_at") + " BIGINT NOT NULL, " + q("downtime_ms") + " BIGINT NOT NULL, "
                        + q("report_digest") + " VARCHAR(64), " + q("reason") + " VARCHAR(2000))" + tableOptions(),
                        "CREATE TABLE " + q(LATE_WRITES) + " (" + q("topic") + " VARCHAR(255) NOT NULL, " + q("partition_id")
                        + " INT NOT NULL, " + q("kafka_offset") + " BIGINT NOT NULL, " + q("key") + " " + keyType()
                        + " NOT NULL, " + q("op") + " VARCHAR(8) NOT NULL, " + q("revision") + " BIGINT NOT NULL, "
                        + q("ts_ms") + " BIGINT NOT NULL, " + q("recorded_at") + " BIGINT NOT NULL, PRIMARY KEY ("
                        + q("topic") + ", " + q("partition_id") + ", " + q("kafka_offset") + "))" + tableOptions(),
                        "CREATE INDEX " + q("ferry_late_writes_revision") + " ON " + q(LATE_WRITES) + " (" + q("revision") + ")"),
                // 3: the bake period after the switch: how a rollback ended (the revision at which etcd became
                // authoritative again, and its downtime) and when ferry finish ended it.
                List.of("ALTER TABLE " + q(CUTOVER) + " ADD " + q("rollback_revision") + " BIGINT",
                        "ALTER TABLE " + q(CUTOVER) + " ADD " + q("rollback_downtime_ms") + " BIGINT",
                        "ALTER TABLE " + q(CUTOVER) + " ADD " + q("finished_at") + " BIGINT"));
    }

    @Override
    public List<List<String>> tableMigrations(String table) {
        return List.of(List.of("CREATE TABLE IF NOT EXISTS " + q(table) + " (" + q("key") + " " + keyType()
                + " NOT NULL PRIMARY KEY, " + q("value") + " " + valueType() + " NOT NULL, " + q("create_revision")
                + " BIGINT NOT NULL, " + q("mod_revision") + " BIGINT NOT NULL, " + q("version") + " BIGINT NOT NULL, "
                + q("lease") + " BIGINT NOT NULL)" + tableOptions()));
    }

    @Override
    public String guardedUpsert(String table, boolean repair) {
        return guardedUpsert(table, ROW_COLUMNS, java.util.Collections.nCopies(ROW_COLUMNS.size(), "?"), repair);
    }

    /** DDL of a mapped table: key, mod_revision, the typed columns (nullable), and the JSON doc. */
    public static List<String> mappedTableDdl(AbstractDialect d, String table, java.util.Map<String, String> typedColumns) {
        StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS " + d.q(table) + " (" + d.q("key") + " "
                + d.keyType() + " NOT NULL PRIMARY KEY, " + d.q("mod_revision") + " BIGINT NOT NULL");
        typedColumns.forEach((name, type) -> sb.append(", ").append(d.q(name)).append(' ').append(type));
        return List.of(sb.append(')').append(d.tableOptions()).toString());
    }

    @Override
    public List<List<String>> mappedTableMigrations(String table, java.util.Map<String, String> typedColumns) {
        return List.of(mappedTableDdl(this, table, typedColumns));
    }

    /** Joins quoted columns. */
    protected final String columnList(List<String> columns) {
        StringBuilder sb = new StringBuilder();
        for (String c : columns) {
            sb.append(sb.isEmpty() ? "" : ", ").append(q(c));
        }
        return sb.toString();
    }

    /** The column list of the generic table, in parameter order. */
    protected final String rowColumns() {
        return q("key") + ", " + q("value") + ", " + q("create_revision") + ", " + q("mod_revision") + ", "
                + q("version") + ", " + q("lease");
    }

    /** {@code EXISTS} a tombstone of {@code alias}'s key at or after its {@code mod_revision}. */
    protected final String tombstoneAtOrAfter(String alias) {
        return "EXISTS (SELECT 1 FROM " + q(TOMBSTONES) + " d WHERE d." + q("key") + " = " + alias + "." + q("key")
                + " AND d." + q("revision") + " >= " + alias + "." + q("mod_revision") + ")";
    }

    /** {@code alias.column} for each column. */
    protected final String qualified(String alias, List<String> columns) {
        StringBuilder sb = new StringBuilder();
        for (String c : columns) {
            sb.append(sb.isEmpty() ? "" : ", ").append(alias).append('.').append(q(c));
        }
        return sb.toString();
    }

    /** {@code NOT EXISTS} a tombstone of the key at or after the incoming revision. Parameters: key, revision. */
    protected final String noNewerTombstone() {
        return "NOT EXISTS (SELECT 1 FROM " + q(TOMBSTONES) + " d WHERE d." + q("key") + " = ? AND d." + q("revision")
                + " >= ?)";
    }
}
