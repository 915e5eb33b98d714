package io.ferry.bench;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.RecordConventions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Reads from Kafka, read-committed, how far the watcher has delivered: its newest checkpoint in
 * {@code <topic>.checkpoint}, which it commits in the same transaction as the changes it covers,
 * so a checkpoint at revision R means every change up to R is committed to the change topic.
 * Reading Kafka rather than asking the watcher is what makes it "delivered". One thread uses it.
 */
final class CheckpointProbe implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private long revision = -1;

    /** Call once the watcher has created the checkpoint topic (it streams), so the broker never makes it. */
    CheckpointProbe(Stack stack, String changeTopic) {
        Map<String, Object> m = stack.readCommittedConsumer();
        // A checkpoint commits every few milliseconds; the broker's default 500 ms wait is not needed.
        m.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        this.consumer = new KafkaConsumer<>(m);
        List<TopicPartition> tp = List.of(new TopicPartition(Checkpoint.topicFor(changeTopic), 0));
        consumer.assign(tp);
        consumer.seekToBeginning(tp);
    }

    /** Polls up to {@code wait}; the newest streaming checkpoint's revision so far, -1 before the first. */
    long poll(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
            if (r.value() != null) {
                Checkpoint c = Checkpoint.decode(r.value());
                if (!c.snapshotting()) {
                    revision = Math.max(revision, c.revision());
                }
            }
        }
        return revision;
    }

    /**
     * Counts the committed change records of {@code topic} whose revision lies in [{@code from}, {@code to}],
     * reading every partition up to its last stable offset.
     */
    static long countChanges(Stack stack, String topic, int partitions, long from, long to, Duration limit) {
        long count = 0;
        long deadline = System.nanoTime() + limit.toNanos();
        try (KafkaConsumer<byte[], byte[]> in = new KafkaConsumer<>(stack.readCommittedConsumer())) {
            List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
            in.assign(tps);
            in.seekToBeginning(tps);
            Map<TopicPartition, Long> end = in.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> in.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + limit.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : in.poll(Duration.ofMillis(200))) {
                    Header kind = r.headers().lastHeader(RecordConventions.KIND_HEADER);
                    Header rev = r.headers().lastHeader(RecordConventions.REVISION_HEADER);
                    if (kind != null && rev != null && RecordConventions.KIND_CHANGE.equals(new String(kind.value(),
                            StandardCharsets.UTF_8))) {
                        long revision = RecordConventions.parseLongHeader(rev.value());
                        if (revision >= from && revision <= to) {
                            count++;
                        }
                    }
                }
            }
        }
        return count;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
