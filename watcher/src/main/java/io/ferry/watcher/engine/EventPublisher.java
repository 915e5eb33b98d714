package io.ferry.watcher.engine;

import io.ferry.clients.KeyPartitions;
import io.ferry.clients.RecordSigner;
import io.ferry.core.event.Bytes;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.EventCodec;
import io.ferry.core.event.Op;
import io.ferry.core.event.RecordConventions;
import io.ferry.watcher.WatcherException;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes events, control records and the checkpoint through one transactional producer. Every
 * send happens inside a transaction; {@link #commit} adds the checkpoint to the same
 * transaction, so Kafka holds events and checkpoint together or neither. With {@code signing.key} set,
 * every record is signed ({@link RecordSigner}), so each is sent to a partition chosen here: the one
 * Kafka's default partitioner would pick for its key.
 *
 * <p>Owned by the watcher's main thread; not thread-safe.
 */
final class EventPublisher implements AutoCloseable {

    /** Room for the record's own framing and headers next to key and value. */
    private static final int RECORD_OVERHEAD = 512;

    private final Producer<byte[], byte[]> producer;
    private final ChangeTopic topic;
    private final String checkpointTopic;
    private final byte[] checkpointKey;
    private final WatcherMetrics metrics;
    private final EventCodec codec = new EventCodec();
    private final Optional<RecordSigner> signer;
    private boolean open;
    private int eventsInTransaction;
    private long bytesInTransaction;
    private long openedAtNanos;

    EventPublisher(KafkaClients clients, String transactionalId, ChangeTopic topic, WatcherMetrics metrics,
                   Optional<RecordSigner> signer) {
        this.producer = new KafkaProducer<>(clients.producer(transactionalId));
        this.signer = signer;
        this.topic = topic;
        this.checkpointTopic = Checkpoint.topicFor(topic.name());
        this.checkpointKey = Checkpoint.recordKey(topic.name());
        this.metrics = metrics;
    }

    /** Registers the transactional id, which fences any older producer with the same id and aborts its open transaction. */
    void init() {
        producer.initTransactions();
    }

    void change(ChangeEvent event) {
        change(event, false);
    }

    /**
     * The snapshot's last read, with the {@code ferry.snapshot.last} header: a consumer that wants to know
     * when the initial copy is complete (Debezium's {@code snapshot=last}) need not wait for the
     * {@code snapshot_end} control record of every partition.
     */
    void lastSnapshotRead(ChangeEvent event) {
        change(event, true);
    }

    private void change(ChangeEvent event, boolean lastSnapshotRead) {
        begin();
        byte[] value = codec.encode(event);
        if (value.length + event.key().length + RECORD_OVERHEAD > topic.maxMessageBytes()) {
            throw new WatcherException("the change to key " + Bytes.printable(event.key()) + " at revision "
                    + event.revision() + " encodes to " + value.length + " bytes, more than the " + topic.maxMessageBytes()
                    + " bytes topic " + topic.name() + " and the producer accept. Raise max.message.bytes of the topic "
                    + "and watcher.max.message.bytes; the watcher stops rather than skip it.");
        }
        int partition = KeyPartitions.of(event.key(), topic.partitions());
        RecordHeaders headers = headers(RecordConventions.KIND_CHANGE, event.revision(), event.source().epoch());
        headers.add(RecordConventions.FORMAT_HEADER, RecordConventions.header(RecordConventions.FORMAT_V1));
        if (lastSnapshotRead) {
            headers.add(RecordConventions.SNAPSHOT_LAST_HEADER, RecordConventions.header("true"));
        }
        send(topic.name(), partition, event.key(), value, headers);
        if (event.op() == Op.DELETE) {
            RecordHeaders tombstone = headers(RecordConventions.KIND_TOMBSTONE, event.revision(), event.source().epoch());
            if (event.source().reverse()) {
                tombstone.add(RecordConventions.REVERSE_HEADER, RecordConventions.header("true"));
            }
            send(topic.name(), partition, event.key(), null, tombstone);
        }
        metrics.event(event.op());
        eventsInTransaction++;
        bytesInTransaction += value.length + event.key().length;
    }

    /** A control record of {@code kind} on every partition of the change topic. */
    void control(ControlRecord.Kind kind, String clusterId, long revision, long epoch) {
        begin();
        long now = System.currentTimeMillis();
        for (int p = 0; p < topic.partitions(); p++) {
            ControlRecord record = new ControlRecord(kind, clusterId, revision, epoch, p, now);
            RecordHeaders headers = headers(kind.wireName(), revision, epoch);
            headers.add(RecordConventions.FORMAT_HEADER, RecordConventions.header(RecordConventions.FORMAT_V1));
            send(topic.name(), p, RecordConventions.controlKey(kind, p), codec.encode(record), headers);
        }
    }

    /** Adds the checkpoint to the open transaction (opening one if needed) and commits it. */
    void commit(Checkpoint checkpoint) {
        begin();
        send(checkpointTopic, 0, checkpointKey, checkpoint.encode(), new RecordHeaders());
        long start = System.nanoTime();
        producer.commitTransaction();
        metrics.commitTook(System.nanoTime() - start);
        if (!checkpoint.snapshotting()) {
            metrics.producedRevision(checkpoint.revision());
        }
        open = false;
        eventsInTransaction = 0;
        bytesInTransaction = 0;
    }

    boolean transactionOpen() {
        return open;
    }

    int eventsInTransaction() {
        return eventsInTransaction;
    }

    /** Key and value bytes of the change records in the open transaction. */
    long bytesInTransaction() {
        return bytesInTransaction;
    }

    Duration transactionAge() {
        return open ? Duration.ofNanos(System.nanoTime() - openedAtNanos) : Duration.ZERO;
    }

    int partitions() {
        return topic.partitions();
    }

    private void begin() {
        if (!open) {
            producer.beginTransaction();
            open = true;
            openedAtNanos = System.nanoTime();
        }
    }

    /** Signs the record, when signing is on, for exactly the topic and partition it is sent to. */
    private void send(String to, int partition, byte[] key, byte[] value, RecordHeaders headers) {
        signer.ifPresent(s -> s.sign(to, partition, key, value, headers));
        producer.send(new ProducerRecord<>(to, partition, key, value, headers));
    }

    private static RecordHeaders headers(String kind, long revision, long epoch) {
        RecordHeaders h = new RecordHeaders();
        h.add(RecordConventions.KIND_HEADER, RecordConventions.header(kind));
        h.add(RecordConventions.REVISION_HEADER, RecordConventions.header(revision));
        h.add(RecordConventions.EPOCH_HEADER, RecordConventions.header(epoch));
        return h;
    }

    /** Closes without committing: an open transaction is aborted by the broker or by the next instance's init. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
