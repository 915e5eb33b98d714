package io.ferry.watcher.engine;

import io.ferry.core.event.Checkpoint;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaException;

/**
 * Reads the newest committed checkpoint of a change topic. Run it after the producer's
 * {@code initTransactions()}, which aborts whatever a dead predecessor left open, so that the
 * read_committed end of the topic is final.
 */
final class CheckpointReader {

    /** Each transaction adds one checkpoint and one commit marker; look this far back first. */
    private static final long TAIL = 64;

    private final KafkaClients clients;
    private final Duration timeout;

    CheckpointReader(KafkaClients clients, Duration timeout) {
        this.clients = clients;
        this.timeout = timeout;
    }

    Optional<Checkpoint> latest(String changeTopic) {
        TopicPartition tp = new TopicPartition(Checkpoint.topicFor(changeTopic), 0);
        byte[] key = Checkpoint.recordKey(changeTopic);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(clients.checkpointConsumer())) {
            consumer.assign(List.of(tp));
            Map<TopicPartition, Long> ends = consumer.endOffsets(List.of(tp), timeout);
            long end = ends.get(tp);
            long begin = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
            Optional<Checkpoint> found = scan(consumer, tp, key, Math.max(begin, end - TAIL), end);
            // Compaction or a run of aborted transactions can leave the tail without one.
            return found.isPresent() || end - TAIL <= begin ? found : scan(consumer, tp, key, begin, end);
        } catch (KafkaException e) {
            throw new Failures.Transient("cannot read the checkpoint from " + tp + " on Kafka at " + clients.bootstrap()
                    + ": " + e.getMessage(), e);
        }
    }

    private Optional<Checkpoint> scan(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, byte[] key,
                                      long from, long end) {
        consumer.seek(tp, from);
        Checkpoint latest = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp, timeout) < end) {
            if (System.nanoTime() > deadline) {
                throw new Failures.Transient("reading checkpoint topic " + tp + " did not reach offset " + end
                        + " within " + timeout.toMillis() + " ms (watcher.kafka.timeout.ms)", null);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.value() != null && Arrays.equals(r.key(), key)) {
                    latest = Checkpoint.decode(r.value());
                }
            }
        }
        return Optional.ofNullable(latest);
    }
}
