package io.ferry.connect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.event.RecordConventions;
import io.ferry.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The transform over every committed record of a real Ferry topic, partition by partition in
 * offset order, as a sink task sees them: control records never pass, and every delete gives one
 * delete event followed by one tombstone for the same key.
 */
final class TopicCheck {

    private TopicCheck() {
    }

    static void assertOneDeleteEventAndOneTombstonePerDelete(KafkaBroker kafka, String topic) {
        ToDebezium<SinkRecord> transform = new ToDebezium<>();
        transform.configure(ConnectDocs.transformSettings());
        int controls = 0;
        int ferryDeletes = 0;
        int deleteEvents = 0;
        int tombstones = 0;
        for (List<ConsumerRecord<byte[], byte[]>> partition : readCommitted(kafka, topic)) {
            SinkRecord previous = null;
            for (ConsumerRecord<byte[], byte[]> r : partition) {
                String kind = header(r, RecordConventions.KIND_HEADER);
                SinkRecord out = transform.apply(sinkRecord(r));
                if (!RecordConventions.KIND_CHANGE.equals(kind) && !RecordConventions.KIND_TOMBSTONE.equals(kind)) {
                    assertNull(out, "a " + kind + " control record passed at offset " + r.offset());
                    controls++;
                    continue;
                }
                if (out.value() == null) {
                    tombstones++;
                    assertNull(out.valueSchema());
                    assertTrue(previous != null && previous.value() != null
                            && "d".equals(((Struct) previous.value()).getString("op")),
                            "the tombstone at offset " + r.offset() + " follows its delete event");
                    assertArrayEquals(((Struct) previous.key()).getBytes("key"), ((Struct) out.key()).getBytes("key"));
                } else if ("d".equals(((Struct) out.value()).getString("op"))) {
                    ferryDeletes++;
                    deleteEvents++;
                }
                previous = out;
            }
        }
        assertTrue(controls > 0 && ferryDeletes > 20, "the topic holds control records and deletes: " + controls
                + " control records, " + ferryDeletes + " deletes");
        assertEquals(ferryDeletes, deleteEvents);
        assertEquals(deleteEvents, tombstones, "one tombstone per delete event");
    }

    private static SinkRecord sinkRecord(ConsumerRecord<byte[], byte[]> r) {
        ConnectHeaders headers = new ConnectHeaders();
        for (Header h : r.headers()) {
            headers.addString(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return new SinkRecord(r.topic(), r.partition(), Schema.OPTIONAL_BYTES_SCHEMA, r.key(), Schema.OPTIONAL_BYTES_SCHEMA,
                r.value(), r.offset(), r.timestamp(), TimestampType.CREATE_TIME, headers);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Each partition's committed records in offset order. */
    private static List<List<ConsumerRecord<byte[], byte[]>>> readCommitted(KafkaBroker kafka, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<List<ConsumerRecord<byte[], byte[]>>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(30));
            for (TopicPartition tp : tps) {
                List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (consumer.position(tp, Duration.ofSeconds(30)) < ends.get(tp)) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("could not read " + tp + " up to offset " + ends.get(tp));
                    }
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
                out.add(records);
            }
        }
        return out;
    }
}
