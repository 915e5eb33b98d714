package io.ferry.cli.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The in-process broker is a real broker: transactional writes survive a restart on the same directory. */
@Timeout(180)
class EmbeddedKafkaIT {

    @Test
    void transactionalRecordsSurviveARestart(@TempDir Path dir) throws Exception {
        byte[] value = new byte[] {0, (byte) 0xFF, 'x'};
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "transactional.id", "it"), new ByteArraySerializer(), new ByteArraySerializer())) {
                p.initTransactions();
                p.beginTransaction();
                p.send(new ProducerRecord<>("t", "k".getBytes(StandardCharsets.UTF_8), value));
                p.commitTransaction();
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            List<ConsumerRecord<byte[], byte[]>> read = readAll(kafka.bootstrapServers());
            assertEquals(1, read.size());
            assertArrayEquals(value, read.get(0).value());
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("t", 0);
            c.assign(Set.of(tp));
            c.seekToBeginning(Set.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.isEmpty() && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
