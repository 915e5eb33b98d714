package io.ferry.reverse;

import java.util.Properties;

/**
 * The embedded Debezium engine's configuration for the rollback path. How it connects (host,
 * user, password, TLS) comes from {@link ReverseTarget#debeziumConnection()}, built from the same
 * description as every JDBC connection of Ferry; what it reads and how is set here.
 */
final class DebeziumProperties {

    /** Debezium's topic prefix; also the "server" of its source partition, which the seeded position names. */
    static final String PREFIX = "ferry_reverse";

    /** How long the engine waits on an empty queue before it looks again: the rollback path's added latency. */
    static final long POLL_INTERVAL_MS = 50;

    private DebeziumProperties() {
    }

    static Properties of(ReverseTarget t, String slot, long serverId, String storeId) {
        Properties p = t.debeziumConnection();
        p.setProperty("name", "ferry-reverse");
        p.setProperty("topic.prefix", PREFIX);
        p.setProperty("offset.storage", EtcdOffsetStore.class.getName());
        p.setProperty(EtcdOffsetStore.ID_PROPERTY, storeId);
        p.setProperty("offset.flush.interval.ms", "1000");
        // Debezium's engine sleeps this long whenever it finds its queue empty (500 ms by default), so a lone change,
        // such as the cutover's probe, which the cutover awaits inside its downtime, waited up to that long.
        p.setProperty("poll.interval.ms", Long.toString(POLL_INTERVAL_MS));
        p.setProperty("table.include.list", t.qualifiedTable());
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("binary.handling.mode", "bytes");
        // A TRUNCATE must reach the writer, which refuses it loudly, rather than be skipped (Debezium's default).
        p.setProperty("skipped.operations", "none");
        // The writer retries itself, after checking that the bake period still runs: an engine retrying on its own
        // could re-create a slot that ferry finish has just dropped.
        p.setProperty("errors.max.retries", "0");
        switch (t.source()) {
            case "postgres" -> {
                p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
                p.setProperty("plugin.name", "pgoutput");
                p.setProperty("slot.name", slot);
                p.setProperty("publication.name", slot);
                // The cutover creates both at the switch, so nothing written after the switch can be missed.
                p.setProperty("publication.autocreate.mode", "disabled");
                p.setProperty("snapshot.mode", "no_data");
            }
            default -> {
                p.setProperty("connector.class", t.source().equals("mariadb") ? "io.debezium.connector.mariadb.MariaDbConnector"
                        : "io.debezium.connector.mysql.MySqlConnector");
                p.setProperty("database.server.id", Long.toString(serverId));
                p.setProperty("database.include.list", t.schema());
                // The position seeded at the switch is where reading starts; the table's definition is read
                // afresh at each start ("recovery"), so no schema history needs to be kept between runs.
                p.setProperty("snapshot.mode", "recovery");
                // Reading one table's definition needs no lock: Ferry's generic table does not change shape during the bake
                // period. So the rollback path's user needs no LOCK TABLES or RELOAD, only REPLICATION and SELECT.
                p.setProperty("snapshot.locking.mode", "none");
                p.setProperty("schema.history.internal", "io.debezium.relational.history.MemorySchemaHistory");
                p.setProperty("include.schema.changes", "false");
            }
        }
        return p;
    }
}
