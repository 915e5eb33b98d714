package io.ferry.connect;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.KeyValue;
import io.ferry.core.event.Op;
import org.apache.kafka.connect.data.Struct;

/**
 * Builds the key and the Debezium envelope of one Ferry change event, on the schemas of
 * {@link DebeziumSchemas}. A pure function of the event: replaying a topic gives the same
 * events again, field for field.
 *
 * <p>{@code source.snapshot} says how the row was obtained, as Debezium's does: {@code true} for
 * the reads of the watcher's snapshots (initial and after compaction), {@code incremental} for
 * the reads the reconciler re-emits to repair a row (taken at any time, between changes, which is
 * what Debezium's incremental snapshots are), {@code false} for changes seen by the watch and for
 * every delete. Debezium's {@code last} is never written: see {@link ToDebezium}.
 *
 * <p>A delete always has a {@code before}: the deleted key-value when the watcher runs with
 * prev-kv, else a row with the key alone, as Debezium's PostgreSQL connector writes deletes under
 * {@code REPLICA IDENTITY DEFAULT}. Debezium's JDBC sink 3.5 reads a delete's row from
 * {@code before} and fails on a null one. Other events' {@code before} is null without prev-kv, as
 * Debezium's updates are without a full replica identity.
 */
final class EventMapper {

    static final String CONNECTOR = "ferry";

    private final DebeziumSchemas schemas;
    private final ToDebeziumConfig config;
    private final String version;

    EventMapper(DebeziumSchemas schemas, ToDebeziumConfig config, String version) {
        this.schemas = schemas;
        this.config = config;
        this.version = version;
    }

    Struct key(byte[] etcdKey) {
        return new Struct(schemas.key).put("key", etcdKey);
    }

    /**
     * @param repair whether the record carries Ferry's repair header
     * @param lastRead whether it carries the header of a snapshot's last read
     */
    Struct envelope(ChangeEvent event, boolean repair, boolean lastRead) {
        long tsMs = event.tsMs();
        return new Struct(schemas.envelope)
                .put("before", before(event))
                .put("after", row(event.after(), event.source().epoch()))
                .put("source", source(event, repair, lastRead))
                .put("op", event.op().code())
                // etcd keeps no commit time: both Debezium times are when the watcher saw the change.
                .put("ts_ms", tsMs)
                .put("ts_us", tsMs * 1_000L)
                .put("ts_ns", tsMs * 1_000_000L);
    }

    private Struct before(ChangeEvent event) {
        if (event.before() == null && event.op() == Op.DELETE) {
            return new Struct(schemas.row).put("key", event.key());
        }
        return row(event.before(), null);
    }

    /** @param epoch the epoch to put in the epoch field, or null (a {@code before} row's epoch is not known) */
    private Struct row(KeyValue kv, Long epoch) {
        if (kv == null) {
            return null;
        }
        Struct row = new Struct(schemas.row)
                .put("key", kv.key())
                .put("value", kv.value())
                .put("create_revision", kv.createRevision())
                .put("mod_revision", kv.modRevision())
                .put("version", kv.version())
                .put("lease", kv.lease());
        if (config.hasEpochField()) {
            row.put(config.epochField(), epoch);
        }
        return row;
    }

    private Struct source(ChangeEvent event, boolean repair, boolean lastRead) {
        long tsMs = event.tsMs();
        String clusterId = event.source().clusterId() == null ? "" : event.source().clusterId();
        return new Struct(schemas.source)
                .put("version", version)
                .put("connector", CONNECTOR)
                .put("name", config.logicalName())
                .put("ts_ms", tsMs)
                .put("snapshot", snapshot(event, repair, lastRead))
                // Debezium's "db" names the database; an etcd cluster is one keyspace, named by its id.
                .put("db", clusterId)
                .put("ts_us", tsMs * 1_000L)
                .put("ts_ns", tsMs * 1_000_000L)
                .put("table", config.tableName())
                .put("cluster_id", clusterId)
                .put("revision", event.source().revision())
                .put("epoch", event.source().epoch())
                .put("reverse", event.source().reverse());
    }

    static String snapshot(ChangeEvent event, boolean repair, boolean lastRead) {
        if (event.op() != Op.READ) {
            return "false";
        }
        return repair ? "incremental" : lastRead ? "last" : "true";
    }
}
