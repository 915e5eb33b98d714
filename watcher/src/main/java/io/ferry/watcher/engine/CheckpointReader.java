package io.ferry.watcher.engine;

import io.ferry.clients.RecordSigner;
import io.ferry.core.event.Checkpoint;
import io.ferry.watcher.WatcherException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the newest committed checkpoint of a change topic. Run it after the producer's
 * {@code initTransactions()}, which aborts whatever a dead predecessor left open, so that the
 * read_committed end of the topic is final.
 *
 * <p>With {@code signing.key} set, a checkpoint that is unsigned (unless {@code signing.accept.unsigned})
 * or whose signature does not check out is passed over with a warning: a forged checkpoint could
 * otherwise make the watcher resume past changes it never sent, which would then never reach SQL.
 */
final class CheckpointReader {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointReader.class);

    /** Each transaction adds one checkpoint and one commit marker; look this far back first. */
    private static final long TAIL = 64;

    private final KafkaClients clients;
    private final Duration timeout;
    private final Optional<RecordSigner> signer;
    private long rejected;

    CheckpointReader(KafkaClients clients, Duration timeout, Optional<RecordSigner> signer) {
        this.clients = clients;
        this.timeout = timeout;
        this.signer = signer;
    }

    Optional<Checkpoint> latest(String changeTopic) {
        TopicPartition tp = new TopicPartition(Checkpoint.topicFor(changeTopic), 0);
        byte[] key = Checkpoint.recordKey(changeTopic);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(clients.checkpointConsumer())) {
            consumer.assign(List.of(tp));
            Map<TopicPartition, Long> ends = consumer.endOffsets(List.of(tp), timeout);
            long end = ends.get(tp);
            long begin = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
            rejected = 0;
            Optional<Checkpoint> found = scan(consumer, tp, key, Math.max(begin, end - TAIL), end);
            // Compaction, a run of aborted transactions or forged records can leave the tail without one.
            if (found.isEmpty() && end - TAIL > begin) {
                rejected = 0;
                found = scan(consumer, tp, key, begin, end);
            }
            if (found.isEmpty() && rejected > 0) {
                throw new WatcherException(tp + " holds " + rejected + " checkpoints, and none is signed with a key of "
                        + "this watcher: resuming from one, or taking a new snapshot as if there were none, could lose or "
                        + "repeat changes. If signing was just turned on, start once with signing.accept.unsigned: true; "
                        + "otherwise find out who wrote them (docs/security.md).");
            }
            return found;
        } catch (KafkaException e) {
            throw new Failures.Transient("cannot read the checkpoint from " + tp + " on Kafka at " + clients.bootstrap()
                    + ": " + e.getMessage() + ". Check kafka.bootstrap, that the brokers run, and the kafka.* security settings", e);
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
                if (r.value() != null && Arrays.equals(r.key(), key) && trusted(r)) {
                    latest = Checkpoint.decode(r.value());
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    private boolean trusted(ConsumerRecord<byte[], byte[]> r) {
        if (signer.isEmpty()) {
            return true;
        }
        RecordSigner.Check check = signer.get().check(r.topic(), r.partition(), r.key(), r.value(), r.headers());
        if (check == RecordSigner.Check.VALID || (check == RecordSigner.Check.UNSIGNED && signer.get().acceptsUnsigned())) {
            return true;
        }
        rejected++;
        LOG.warn("Passing over the checkpoint at {}-{}@{}: {}. Only the watcher's principal should be able to write this "
                + "topic (docs/security.md).", r.topic(), r.partition(), r.offset(), switch (check) {
                    case UNSIGNED -> "it is not signed";
                    case UNKNOWN_KEY -> "it is signed with a key this watcher does not hold (key id "
                            + RecordSigner.keyIdOf(r.headers()) + ")";
                    default -> "its signature does not match it: forged or altered";
                });
        return false;
    }
}
