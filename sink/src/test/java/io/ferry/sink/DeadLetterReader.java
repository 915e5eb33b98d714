package io.ferry.sink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the reason headers of the records on a dead-letter topic. */
final class DeadLetterReader {

    private DeadLetterReader() {
    }

    static List<String> read(String bootstrap, String topic, int expected) {
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (reasons.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(r -> {
                    var h = r.headers().lastHeader(DeadLetters.REASON);
                    var origin = r.headers().lastHeader(DeadLetters.ORIGIN);
                    reasons.add((h == null ? "(no reason)" : new String(h.value(), StandardCharsets.UTF_8)) + " from "
                            + (origin == null ? "?" : new String(origin.value(), StandardCharsets.UTF_8)));
                });
            }
        }
        return reasons;
    }
}
