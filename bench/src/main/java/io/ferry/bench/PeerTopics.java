package io.ferry.bench;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.Envelope;
import io.ferry.core.event.EventCodec;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fills the peer's topic from Ferry's: reads the change topic as the watcher writes it and writes
 * every change event again in Debezium's format ({@link DebeziumRecords}), so both sinks get the
 * same keys and values, the same count. Done when every partition of Ferry's topic carries a
 * watermark at the load's revision: from then on the topic is complete for Ferry's sink too.
 */
final class PeerTopics {

    private PeerTopics() {
    }

    /** Returns how many change events were copied. */
    static long copy(Stack stack, String ferryTopic, String peerTopic, int partitions, long revision,
                     FerryPipeline watcher, Duration limit) throws InterruptedException {
        long[] watermarks = new long[partitions];
        Arrays.fill(watermarks, -1);
        EventCodec codec = new EventCodec();
        long copied = 0;
        long deadline = System.nanoTime() + limit.toNanos();
        try (KafkaConsumer<byte[], byte[]> in = new KafkaConsumer<>(stack.readCommittedConsumer());
             KafkaProducer<byte[], byte[]> out = new KafkaProducer<>(producer(stack))) {
            List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(ferryTopic, p)).toList();
            in.assign(tps);
            in.seekToBeginning(tps);
            while (Arrays.stream(watermarks).min().orElse(-1) < revision) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Ferry's topic " + ferryTopic + " did not reach revision " + revision
                            + " in every partition within " + limit.toSeconds() + " s; watermarks " + Arrays.toString(watermarks));
                }
                watcher.check();
                for (ConsumerRecord<byte[], byte[]> r : in.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        out.send(new ProducerRecord<>(peerTopic, DebeziumRecords.key(r.key()), null));
                        continue; // a tombstone after a delete: Debezium's sink takes it as one too
                    }
                    Envelope e = codec.decode(r.value());
                    if (e instanceof ChangeEvent change) {
                        out.send(new ProducerRecord<>(peerTopic, DebeziumRecords.key(change.key()), DebeziumRecords.value(change)));
                        copied++;
                    } else if (e instanceof ControlRecord c && c.kind() == ControlRecord.Kind.WATERMARK) {
                        watermarks[r.partition()] = Math.max(watermarks[r.partition()], c.revision());
                    }
                }
            }
            out.flush();
        }
        return copied;
    }

    private static Map<String, Object> producer(Stack stack) {
        Map<String, Object> m = new HashMap<>();
        m.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        m.put(ProducerConfig.ACKS_CONFIG, "all");
        m.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        m.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return m;
    }
}
