package io.ferry.connect;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * The Connect schemas of the events {@link ToDebezium} writes, laid out as Debezium lays out its own
 * ({@code io.debezium.data.Envelope} and {@code AbstractSourceInfoStructMaker} in Debezium 3.5), so
 * that Debezium's JDBC sink, Flink CDC's {@code debezium-json} and other Debezium consumers read them.
 *
 * <ul>
 *   <li>key {@code <prefix>.Key}: {@code key} (bytes);</li>
 *   <li>row {@code <prefix>.Value}: the columns of Ferry's generic table, {@code key}, {@code value}
 *       (bytes), {@code create_revision}, {@code mod_revision}, {@code version}, {@code lease} (int64),
 *       plus the epoch field when configured. Only {@code key} is required: a delete's {@code before}
 *       may hold the key alone (see {@link EventMapper}), as a Debezium event's nullable columns do;
 *       {@code after} always has every field;</li>
 *   <li>envelope {@code <prefix>.Envelope} (version 2, as Debezium's): {@code before}, {@code after},
 *       {@code source}, {@code transaction}, {@code op}, {@code ts_ms}, {@code ts_us}, {@code ts_ns}.
 *       Debezium's sink recognises a change event by the {@code .Envelope} suffix.</li>
 * </ul>
 */
final class DebeziumSchemas {

    /** Debezium's name for the enumeration logical type of {@code source.snapshot}. */
    static final String ENUM_LOGICAL_NAME = "io.debezium.data.Enum";
    /** Every value Debezium 3.5 allows in {@code source.snapshot}, in its order. */
    static final String SNAPSHOT_VALUES = "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental";
    static final String SOURCE_SCHEMA_NAME = "io.ferry.connect.Source";

    final Schema key;
    final Schema row;
    final Schema source;
    final Schema envelope;

    DebeziumSchemas(ToDebeziumConfig config) {
        String prefix = config.schemaNamePrefix();
        this.key = SchemaBuilder.struct().name(prefix + ".Key")
                .field("key", Schema.BYTES_SCHEMA)
                .build();
        SchemaBuilder row = SchemaBuilder.struct().name(prefix + ".Value").optional()
                .field("key", Schema.BYTES_SCHEMA)
                .field("value", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("create_revision", Schema.OPTIONAL_INT64_SCHEMA)
                .field("mod_revision", Schema.OPTIONAL_INT64_SCHEMA)
                .field("version", Schema.OPTIONAL_INT64_SCHEMA)
                .field("lease", Schema.OPTIONAL_INT64_SCHEMA);
        if (config.hasEpochField()) {
            row.field(config.epochField(), Schema.OPTIONAL_INT64_SCHEMA);
        }
        this.row = row.build();
        this.source = sourceSchema();
        this.envelope = SchemaBuilder.struct().name(prefix + ".Envelope").version(2)
                .field("before", this.row)
                .field("after", this.row)
                .field("source", this.source)
                .field("transaction", transactionSchema())
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    /** Debezium's common source fields in Debezium's order, then etcd's own. */
    private static Schema sourceSchema() {
        Schema snapshot = SchemaBuilder.string().name(ENUM_LOGICAL_NAME).version(1)
                .parameter("allowed", SNAPSHOT_VALUES).defaultValue("false").optional().build();
        return SchemaBuilder.struct().name(SOURCE_SCHEMA_NAME).version(1)
                .field("version", Schema.STRING_SCHEMA)
                .field("connector", Schema.STRING_SCHEMA)
                .field("name", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.INT64_SCHEMA)
                .field("snapshot", snapshot)
                .field("db", Schema.STRING_SCHEMA)
                .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
                .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
                .field("table", Schema.OPTIONAL_STRING_SCHEMA)
                .field("cluster_id", Schema.STRING_SCHEMA)
                .field("revision", Schema.INT64_SCHEMA)
                .field("epoch", Schema.INT64_SCHEMA)
                .field("reverse", Schema.BOOLEAN_SCHEMA)
                .build();
    }

    /** Debezium's optional transaction block; Ferry's events leave it null (see the mapping). */
    private static Schema transactionSchema() {
        return SchemaBuilder.struct().name("event.block").version(1).optional()
                .field("id", Schema.STRING_SCHEMA)
                .field("total_order", Schema.INT64_SCHEMA)
                .field("data_collection_order", Schema.INT64_SCHEMA)
                .build();
    }
}
