package io.ferry.connect;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.Envelope;
import io.ferry.core.event.EventCodec;
import io.ferry.core.event.EventFormatException;
import io.ferry.core.event.RecordConventions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * A Kafka Connect single message transform that turns each record of Ferry's change topic into a
 * Debezium change event, so that Debezium's sinks (its JDBC sink above all) and other Debezium
 * consumers read etcd's changes ({@code docs/event-format.md}, section "Kafka Connect").
 *
 * <ul>
 *   <li>A change event becomes a record whose key is a struct with the etcd key and whose value is a
 *       Debezium envelope ({@link DebeziumSchemas}): {@code op} c, u, d or r, {@code before} and
 *       {@code after} rows with the generic table's columns, {@code source} with Debezium's fields
 *       and etcd's cluster id, revision and epoch.</li>
 *   <li>Ferry's null tombstone after a delete stays a tombstone (null value and value schema, struct
 *       key), so each delete gives exactly one delete event and one tombstone, as Debezium writes them.</li>
 *   <li>Control records (watermarks, snapshot begin and end) are dropped: they speak of no key.</li>
 *   <li>Changes made by Ferry's rollback path ({@code ferry.reverse}) and the reconciler's repairs
 *       ({@code ferry.repair}) are etcd's state like any other change and pass; the former carry
 *       {@code source.reverse=true}, repair reads {@code source.snapshot=incremental}.</li>
 * </ul>
 *
 * <p>The input is Ferry's raw bytes, so the connector's {@code key.converter} and
 * {@code value.converter} must be {@code org.apache.kafka.connect.converters.ByteArrayConverter}.
 * Headers, topic, partition and timestamp are kept.
 *
 * <p>Debezium marks the last snapshot read {@code snapshot=last}; so does this transform, from the
 * watcher's {@code ferry.snapshot.last} header on the snapshot's last read (the key last in key
 * order). Every other snapshot read says {@code true}.
 *
 * <p>Connect gives each task its own instance and calls it from the task's thread.
 *
 * @param <R> the record type: {@code SinkRecord} in a sink connector, {@code SourceRecord} in a source one
 */
public final class ToDebezium<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    /** Ferry's version, as written to {@code source.version}. */
    static final String VERSION = readVersion();

    private final EventCodec codec = new EventCodec();
    private DebeziumSchemas schemas;
    private EventMapper mapper;

    @Override
    public void configure(Map<String, ?> props) {
        ToDebeziumConfig config = ToDebeziumConfig.from(props);
        schemas = new DebeziumSchemas(config);
        mapper = new EventMapper(schemas, config, VERSION);
    }

    @Override
    public R apply(R record) {
        byte[] value = bytes(record, record.value(), "value");
        if (value == null) {
            byte[] key = bytes(record, record.key(), "key");
            if (key == null) {
                throw new DataException("a record with neither key nor value at " + where(record)
                        + " is not a Ferry record: Ferry's tombstones carry the deleted etcd key");
            }
            return record.newRecord(record.topic(), record.kafkaPartition(), schemas.key, mapper.key(key),
                    null, null, record.timestamp(), record.headers());
        }
        Envelope envelope;
        try {
            envelope = codec.decode(value);
        } catch (EventFormatException e) {
            throw new DataException("the record at " + where(record) + " is not a Ferry envelope: " + e.getMessage(), e);
        }
        if (envelope instanceof ControlRecord) {
            return null;
        }
        ChangeEvent event = (ChangeEvent) envelope;
        boolean repair = "true".equals(header(record, RecordConventions.REPAIR_HEADER));
        boolean lastRead = "true".equals(header(record, RecordConventions.SNAPSHOT_LAST_HEADER));
        return record.newRecord(record.topic(), record.kafkaPartition(), schemas.key, mapper.key(event.key()),
                schemas.envelope, mapper.envelope(event, repair, lastRead), record.timestamp(), record.headers());
    }

    @Override
    public ConfigDef config() {
        return ToDebeziumConfig.DEF;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public void close() {
        // Holds nothing that needs releasing.
    }

    /** The raw bytes ByteArrayConverter gives; anything else means the connector has another converter. */
    private static byte[] bytes(ConnectRecord<?> record, Object data, String part) {
        if (data == null || data instanceof byte[]) {
            return (byte[]) data;
        }
        if (data instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        throw new DataException("the record " + part + " at " + where(record) + " is a " + data.getClass().getName()
                + ", not Ferry's raw bytes: set the connector's " + part + ".converter to "
                + "org.apache.kafka.connect.converters.ByteArrayConverter");
    }

    private static String header(ConnectRecord<?> record, String name) {
        Header h = record.headers().lastWithName(name);
        if (h == null || h.value() == null) {
            return null;
        }
        // SimpleHeaderConverter (Connect's default) gives text; ByteArrayConverter as header converter gives bytes.
        return h.value() instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : h.value().toString();
    }

    private static String where(ConnectRecord<?> record) {
        String at = "topic " + record.topic() + " partition " + record.kafkaPartition();
        return record instanceof SinkRecord s ? at + " offset " + s.kafkaOffset() : at;
    }

    private static String readVersion() {
        Properties p = new Properties();
        try (InputStream in = ToDebezium.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading io/ferry/connect/version.properties from the plugin jar", e);
        }
        return p.getProperty("version", "unknown");
    }
}
