package io.ferry.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.KafkaBroker;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lag in records on a transactional topic, as Ferry's watcher writes it: an idle reader that has read every record sits
 * below the end offset by the commit markers, and has no lag; an aborted transaction's records are not lag either.
 */
@Timeout(120)
class RecordLagIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final String TOPIC = "record.lag";

    @Test
    void commitMarkersAndAbortedRecordsAreNotLag() throws Exception {
        KAFKA.createTopic(TOPIC, 1, Map.of());
        KafkaSettings settings = KafkaSettings.of(FerryConfig.fromMap(Map.of("kafka.bootstrap", KAFKA.bootstrapServers())).kafka());
        Map<String, Object> props = settings.producer();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "record-lag-test");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            transaction(producer, 3, true); // offsets 0-2, marker 3
            awaitEnd(4);
            assertEquals(0, lag(3), "every record read: the commit marker is not lag");
            assertEquals(2, lag(1));

            transaction(producer, 2, false); // aborted 4-5, marker 6
            awaitEnd(7);
            assertEquals(0, lag(3), "an aborted transaction's records are never read");

            transaction(producer, 2, true); // offsets 7-8, marker 9
            awaitEnd(10);
            assertEquals(2, lag(3));
            assertEquals(1, lag(8));
            assertEquals(0, lag(9));
        }
    }

    private static void transaction(KafkaProducer<byte[], byte[]> producer, int records, boolean commit) throws Exception {
        producer.beginTransaction();
        for (int i = 0; i < records; i++) {
            producer.send(new ProducerRecord<>(TOPIC, 0, ("k" + i).getBytes(), new byte[] {1})).get();
        }
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
    }

    /**
     * Waits for a transaction's marker: commitTransaction returns once the coordinator has logged the decision, and the
     * coordinator writes the marker into the partition a moment later (CI once read the end offset before it landed).
     */
    private static void awaitEnd(long expected) throws Exception {
        Awaitility.await("the transaction's marker").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> end() >= expected);
        assertEquals(expected, end(), "the end offset, once the transaction's marker is written");
    }

    private static long end() throws Exception {
        return KAFKA.admin().listOffsets(Map.of(new TopicPartition(TOPIC, 0), OffsetSpec.latest())).all().get()
                .get(new TopicPartition(TOPIC, 0)).offset();
    }

    private static long lag(long next) throws Exception {
        KafkaSettings settings = KafkaSettings.of(FerryConfig.fromMap(Map.of("kafka.bootstrap", KAFKA.bootstrapServers())).kafka());
        return RecordLag.of(settings.consumer(), TOPIC, Map.of(0, next), Map.of(0, end()), Duration.ofSeconds(30)).get(0);
    }
}
