package io.ferry.sink;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.EventCodec;
import io.ferry.core.event.KeyValue;
import io.ferry.core.event.RecordConventions;
import io.ferry.core.event.Source;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a change topic the way the watcher does: etcd key as record key (default partitioner),
 * the JSON envelope, kind/revision/epoch headers on every record, a delete as an {@code op=d}
 * envelope followed by a null tombstone, control records on every partition, all inside Kafka
 * transactions.
 */
final class TopicWriter implements AutoCloseable {

    private final EventCodec codec = new EventCodec();
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final int partitions;
    private long epoch = 1;

    TopicWriter(String bootstrap, String topic, int partitions) {
        this.topic = topic;
        this.partitions = partitions;
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-watcher-" + UUID.randomUUID());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        producer.beginTransaction();
    }

    void epoch(long epoch) {
        this.epoch = epoch;
    }

    void put(KeyValue kv) {
        change(ChangeEvent.put(kv, null, new Source("c1", kv.modRevision(), epoch, false), System.currentTimeMillis()));
    }

    void read(KeyValue kv, long snapshotRevision) {
        change(ChangeEvent.read(kv, new Source("c1", snapshotRevision, epoch, true), System.currentTimeMillis()));
    }

    void delete(byte[] key, long revision) {
        change(ChangeEvent.delete(key, null, new Source("c1", revision, epoch, false), System.currentTimeMillis()));
        producer.send(new ProducerRecord<>(topic, null, key, null, headers(RecordConventions.KIND_TOMBSTONE, revision)));
    }

    /** A put the rollback path's reverse writer made (the watcher marks it {@code source.reverse}). */
    void reversePut(KeyValue kv) {
        change(ChangeEvent.put(kv, null, new Source("c1", kv.modRevision(), epoch, false, true), System.currentTimeMillis()));
    }

    /** ... and a delete, whose tombstone carries the mark in a header. */
    void reverseDelete(byte[] key, long revision) {
        change(ChangeEvent.delete(key, null, new Source("c1", revision, epoch, false, true), System.currentTimeMillis()));
        RecordHeaders h = headers(RecordConventions.KIND_TOMBSTONE, revision);
        h.add(RecordConventions.REVERSE_HEADER, RecordConventions.header("true"));
        producer.send(new ProducerRecord<>(topic, null, key, null, h));
    }

    /**
     * What {@code ferry reconcile --repair} writes for a key etcd holds as {@code kv}, read at revision
     * {@code readAt}: a snapshot read with {@code ferry.repair}, and {@code ferry.replaces} when
     * {@code replaces} is above 0.
     */
    void repair(KeyValue kv, long readAt, long replaces) {
        ChangeEvent e = ChangeEvent.read(kv, new Source("c1", readAt, 0, true), System.currentTimeMillis());
        producer.send(new ProducerRecord<>(topic, null, e.key(), codec.encode(e),
                repairHeaders(RecordConventions.KIND_CHANGE, kv.modRevision(), replaces)));
    }

    /** ... and for a key etcd does not hold at {@code readAt}: a delete and its tombstone. */
    void repairDelete(byte[] key, long readAt, long replaces) {
        ChangeEvent e = ChangeEvent.delete(key, null, new Source("c1", readAt, 0, true), System.currentTimeMillis());
        producer.send(new ProducerRecord<>(topic, null, key, codec.encode(e),
                repairHeaders(RecordConventions.KIND_CHANGE, readAt, replaces)));
        producer.send(new ProducerRecord<>(topic, null, key, null, repairHeaders(RecordConventions.KIND_TOMBSTONE, readAt,
                replaces)));
    }

    private RecordHeaders repairHeaders(String kind, long revision, long replaces) {
        RecordHeaders h = headers(kind, revision);
        h.add(RecordConventions.REPAIR_HEADER, RecordConventions.header("true"));
        if (replaces > 0) {
            h.add(RecordConventions.REPLACES_HEADER, RecordConventions.header(replaces));
        }
        return h;
    }

    private void change(ChangeEvent e) {
        producer.send(new ProducerRecord<>(topic, null, e.key(), codec.encode(e),
                headers(RecordConventions.KIND_CHANGE, e.revision())));
    }

    void control(ControlRecord.Kind kind, long revision) {
        for (int p = 0; p < partitions; p++) {
            ControlRecord c = new ControlRecord(kind, "c1", revision, epoch, p, System.currentTimeMillis());
            producer.send(new ProducerRecord<>(topic, p, RecordConventions.controlKey(kind, p), codec.encode(c),
                    headers(kind.wireName(), revision)));
        }
    }

    /** Any bytes, to a given partition: for bad-input tests. */
    void raw(int partition, byte[] key, byte[] value, long revision) {
        producer.send(new ProducerRecord<>(topic, partition, key, value, headers(RecordConventions.KIND_CHANGE, revision)));
    }

    void commit() {
        producer.commitTransaction();
        producer.beginTransaction();
    }

    private RecordHeaders headers(String kind, long revision) {
        RecordHeaders h = new RecordHeaders();
        h.add(RecordConventions.KIND_HEADER, RecordConventions.header(kind));
        h.add(RecordConventions.REVISION_HEADER, RecordConventions.header(revision));
        h.add(RecordConventions.EPOCH_HEADER, RecordConventions.header(epoch));
        return h;
    }

    @Override
    public void close() {
        producer.commitTransaction();
        producer.close();
    }
}
