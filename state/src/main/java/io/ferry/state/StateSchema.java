package io.ferry.state;

import io.ferry.core.config.JdbcTarget;
import java.util.List;

/**
 * The DDL of Ferry's own tables in each database, as versioned migrations: element i of
 * {@link #migrations()} is migration i + 1, recorded under {@link #COMPONENT} in
 * {@code ferry_schema_version} by {@link SchemaVersions}. A migration is never changed once
 * released, only added to, so that every database written by an earlier Ferry is brought forward.
 */
public final class StateSchema {

    /** The component under which these migrations are recorded. */
    public static final String COMPONENT = "bookkeeping";

    private final StateSql sql;

    public StateSchema(JdbcTarget.Kind kind) {
        this.sql = new StateSql(kind);
    }

    /** Binary type of a key column; it is a primary key, so it must be indexable. */
    private String keyType() {
        return switch (sql.kind()) {
            case POSTGRES -> "bytea";
            case MYSQL -> "VARBINARY(3072)";
            case SQLITE -> "BLOB";
        };
    }

    /** Appended to every CREATE TABLE (MySQL picks the engine here). */
    private String tableOptions() {
        return sql.kind() == JdbcTarget.Kind.MYSQL ? " ENGINE=InnoDB" : "";
    }

    private String q(String identifier) {
        return sql.quote(identifier);
    }

    /** Creates {@code ferry_schema_version} when it is absent. */
    public String createSchemaVersionTable() {
        return "CREATE TABLE IF NOT EXISTS " + q(StateTables.SCHEMA_VERSION) + " (" + q("component") + " VARCHAR(128) NOT NULL, "
                + q("version") + " INT NOT NULL, " + q("applied_at") + " BIGINT NOT NULL, PRIMARY KEY ("
                + q("component") + ", " + q("version") + "))" + tableOptions();
    }

    /** The versioned DDL of the other ferry_* tables. */
    public List<List<String>> migrations() {
        return List.of(List.of(
                "CREATE TABLE " + q(StateTables.OFFSETS) + " (" + q("topic") + " VARCHAR(255) NOT NULL, " + q("partition_id")
                        + " INT NOT NULL, " + q("next_offset") + " BIGINT NOT NULL, " + q("watermark") + " BIGINT NOT NULL, "
                        + q("snapshot_epoch") + " BIGINT NOT NULL, " + q("snapshot_revision") + " BIGINT NOT NULL, "
                        + q("updated_at") + " BIGINT NOT NULL, PRIMARY KEY (" + q("topic") + ", " + q("partition_id") + "))"
                        + tableOptions(),
                "CREATE TABLE " + q(StateTables.TOMBSTONES) + " (" + q("key") + " " + keyType() + " NOT NULL PRIMARY KEY, "
                        + q("revision") + " BIGINT NOT NULL, " + q("deleted_at") + " BIGINT NOT NULL)" + tableOptions(),
                "CREATE INDEX " + q(StateTables.TOMBSTONES + "_deleted_at") + " ON " + q(StateTables.TOMBSTONES) + " ("
                        + q("deleted_at") + ")",
                "CREATE TABLE " + q(StateTables.META) + " (" + q("name") + " VARCHAR(64) NOT NULL PRIMARY KEY, " + q("value")
                        + " VARCHAR(1024) NOT NULL)" + tableOptions(),
                "CREATE TABLE " + q(StateTables.SWEEP) + " (" + q("key") + " " + keyType() + " NOT NULL PRIMARY KEY, "
                        + q("partition_id") + " INT NOT NULL, " + q("epoch") + " BIGINT NOT NULL)" + tableOptions()),
                // 2: the cutover record (ferry cutover writes it, the sink reads the switch from it) and the
                // changes etcd saw after the switch.
                List.of("CREATE TABLE " + q(StateTables.CUTOVER) + " (" + q("id") + " BIGINT NOT NULL PRIMARY KEY, "
                        + q("topic") + " VARCHAR(255) NOT NULL, " + q("phase") + " VARCHAR(32) NOT NULL, " + q("r0")
                        + " BIGINT NOT NULL, " + q("freeze_revision") + " BIGINT NOT NULL, " + q("started_at")
                        + " BIGINT NOT NULL, " + q("frozen_at") + " BIGINT NOT NULL, " + q("switched_at") + " BIGINT NOT NULL, "
                        + q("downtime_ms") + " BIGINT NOT NULL, " + q("report_digest") + " VARCHAR(64), " + q("reason")
                        + " VARCHAR(2000))" + tableOptions(),
                        "CREATE TABLE " + q(StateTables.LATE_WRITES) + " (" + q("topic") + " VARCHAR(255) NOT NULL, "
                        + q("partition_id") + " INT NOT NULL, " + q("kafka_offset") + " BIGINT NOT NULL, " + q("key") + " "
                        + keyType() + " NOT NULL, " + q("op") + " VARCHAR(8) NOT NULL, " + q("revision") + " BIGINT NOT NULL, "
                        + q("ts_ms") + " BIGINT NOT NULL, " + q("recorded_at") + " BIGINT NOT NULL, PRIMARY KEY ("
                        + q("topic") + ", " + q("partition_id") + ", " + q("kafka_offset") + "))" + tableOptions(),
                        "CREATE INDEX " + q(StateTables.LATE_WRITES + "_revision") + " ON " + q(StateTables.LATE_WRITES) + " ("
                        + q("revision") + ")"),
                // 3: the bake period after the switch: how a rollback ended (the revision at which etcd became
                // authoritative again, and its downtime) and when ferry finish ended it.
                List.of("ALTER TABLE " + q(StateTables.CUTOVER) + " ADD " + q("rollback_revision") + " BIGINT",
                        "ALTER TABLE " + q(StateTables.CUTOVER) + " ADD " + q("rollback_downtime_ms") + " BIGINT",
                        "ALTER TABLE " + q(StateTables.CUTOVER) + " ADD " + q("finished_at") + " BIGINT"),
                // 4: the values of mapped prefixes that did not decode, one row per key at its latest revision.
                List.of("CREATE TABLE " + q(StateTables.DECODE_FAILURES) + " (" + q("key") + " " + keyType()
                        + " NOT NULL PRIMARY KEY, " + q("mod_revision") + " BIGINT NOT NULL, " + q("table_name")
                        + " VARCHAR(255) NOT NULL, " + q("category") + " VARCHAR(32) NOT NULL, " + q("reason")
                        + " VARCHAR(2000) NOT NULL, " + q("recorded_at") + " BIGINT NOT NULL)" + tableOptions()));
    }
}
