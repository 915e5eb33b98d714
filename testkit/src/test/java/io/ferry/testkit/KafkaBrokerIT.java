package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KafkaBrokerIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker(Map.of("log.retention.check.interval.ms", "60000"));

    @Test
    void producedRecordIsConsumedWithItsExactBytes() throws Exception {
        KAFKA.createTopic("roundtrip", 1, Map.of());
        byte[] value = {0, (byte) 0xff, (byte) 0xc3, (byte) 0x28, 'x'};
        send("roundtrip", "k".getBytes(), value);

        List<ConsumerRecord<byte[], byte[]>> got = readAll("roundtrip", 1);

        assertEquals(1, got.size());
        assertArrayEquals(value, got.get(0).value());
    }

    @Test
    void fourMebibyteRecordIsAccepted() throws Exception {
        KAFKA.createTopic("large", 1, Map.of("max.message.bytes", Integer.toString(KafkaBroker.MAX_MESSAGE_BYTES)));
        byte[] value = new byte[4 * 1024 * 1024];
        value[value.length - 1] = 42;
        send("large", "big".getBytes(), value);

        List<ConsumerRecord<byte[], byte[]>> got = readAll("large", 1);

        assertEquals(1, got.size());
        assertArrayEquals(value, got.get(0).value());
    }

    @Test
    void committedRecordSurvivesKillNineAndRestart() throws Exception {
        KAFKA.createTopic("durable", 1, Map.of());
        send("durable", "k".getBytes(), "acked-before-crash".getBytes());

        KAFKA.kill();
        KAFKA.start();

        List<ConsumerRecord<byte[], byte[]>> got = readAll("durable", 1);
        assertEquals(1, got.size());
        assertEquals("acked-before-crash", new String(got.get(0).value()));
    }

    private static void send(String topic, byte[] key, byte[] value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaBroker.MAX_MESSAGE_BYTES);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, KafkaBroker.MAX_MESSAGE_BYTES);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            Awaitility.await("records of " + topic).atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }

    @Test
    void externalBootstrapIsUsedAsItIsAndCannotBeKilled() throws Exception {
        try (KafkaBroker external = new KafkaBroker(KAFKA.bootstrapServers(), Map.of())) {
            external.start();
            external.createTopic("via-external", 2, Map.of());

            assertEquals(2, KAFKA.admin().describeTopics(List.of("via-external")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("via-external").partitions().size());
            IllegalStateException refused = assertThrows(IllegalStateException.class, external::stop);
            assertTrue(refused.getMessage().contains(KafkaBroker.ENV_BOOTSTRAP), refused.getMessage());
        }
        assertEquals(1, KAFKA.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
    }

    @Test
    void restartIsAControlledShutdownThenStartWithTheSameData() throws Exception {
        KAFKA.createTopic("graceful", 1, Map.of());
        send("graceful", "k".getBytes(), "before-restart".getBytes());

        KAFKA.restart();

        List<ConsumerRecord<byte[], byte[]>> got = readAll("graceful", 1);
        assertEquals("before-restart", new String(got.get(0).value()));
    }

    @Test
    void overridesReachTheBroker() throws Exception {
        var configs = KAFKA.admin().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, "1")))
                .all().get(30, TimeUnit.SECONDS).values().iterator().next();

        assertEquals("60000", configs.get("log.retention.check.interval.ms").value());
        // Apache's defaults where the testkit sets nothing: topics are created on first use, records are ~1 MiB.
        assertEquals("true", configs.get("auto.create.topics.enable").value());
        assertEquals("1048588", configs.get("message.max.bytes").value());
    }
}
