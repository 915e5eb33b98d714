package io.ferry.sink;

import io.ferry.clients.JdbcConnections;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ferry replay}: rewrites the offsets the sink stores in SQL, so that it applies the topic
 * again from there. Running sinks notice at their next commit (their offset fence fails) and
 * seek to the new offsets; stopped ones start there.
 *
 * <p>Replaying is safe because every write is guarded by revision and deletes leave tombstones:
 * into a live database it changes nothing that is already current, and into an empty one it
 * rebuilds the state from the compacted topic. Deletes older than the tombstone horizon
 * ({@link SinkState#tombstoneHorizonMs()}) are the one limit.
 */
public final class Replay {

    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);

    private Replay() {
    }

    /** Every partition starts again at the beginning of the topic. Returns the offsets written (-1: beginning). */
    public static Map<Integer, Long> fromBeginning(FerryConfig config) {
        Map<Integer, Long> offsets = new TreeMap<>();
        for (int p = 0; p < partitions(config).size(); p++) {
            offsets.put(p, -1L);
        }
        return toOffsets(config, offsets);
    }

    /** Every partition starts again at its first record at or after {@code time} (or its end). */
    public static Map<Integer, Long> fromTimestamp(FerryConfig config, Instant time) {
        try (KafkaConsumer<byte[], byte[]> consumer = lookupConsumer(config)) {
            Map<TopicPartition, Long> query = new HashMap<>();
            for (PartitionInfo p : consumer.partitionsFor(config.kafka().topic(), Duration.ofSeconds(30))) {
                query.put(new TopicPartition(p.topic(), p.partition()), time.toEpochMilli());
            }
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
            Map<TopicPartition, Long> ends = consumer.endOffsets(query.keySet(), Duration.ofSeconds(30));
            Map<Integer, Long> offsets = new TreeMap<>();
            query.keySet().forEach(tp -> {
                OffsetAndTimestamp at = found.get(tp);
                offsets.put(tp.partition(), at != null ? at.offset() : ends.get(tp));
            });
            return toOffsets(config, offsets);
        }
    }

    /** The given partitions start again at the given offsets (-1: the beginning); others are left alone. */
    public static Map<Integer, Long> toOffsets(FerryConfig config, Map<Integer, Long> offsets) {
        JdbcTarget target = JdbcConnections.sink(config);
        SqlDialect dialect = SqlDialect.of(target.kind());
        try (Connection c = Databases.connect(target, dialect)) {
            new SchemaMigrator(dialect).migrate(c, config.sink().table());
            new OffsetStore(dialect, config.kafka().topic()).rewind(c, offsets);
        } catch (SQLException e) {
            throw new SinkException("cannot rewrite the stored offsets in " + target + ": " + e.getMessage(), e);
        }
        LOG.info("Replay: partitions of {} will be applied again from offsets {} (-1 is the beginning)",
                config.kafka().topic(), offsets);
        return Map.copyOf(offsets);
    }

    private static List<PartitionInfo> partitions(FerryConfig config) {
        try (KafkaConsumer<byte[], byte[]> consumer = lookupConsumer(config)) {
            List<PartitionInfo> infos = consumer.partitionsFor(config.kafka().topic(), Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new SinkException("topic " + config.kafka().topic() + " does not exist; nothing to replay");
            }
            return infos;
        }
    }

    private static KafkaConsumer<byte[], byte[]> lookupConsumer(FerryConfig config) {
        return new KafkaConsumer<>(KafkaClients.lookup(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
