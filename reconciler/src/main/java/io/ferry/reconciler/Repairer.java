package io.ferry.reconciler;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.ferry.clients.KeyPartitions;
import io.ferry.clients.RecordSigner;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.EventCodec;
import io.ferry.core.event.KeyValue;
import io.ferry.core.event.RecordConventions;
import io.ferry.core.event.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs differences through the sink's one write path: for each differing key it reads etcd's
 * current state and writes it to the change topic, as a snapshot read when the key exists and as
 * a delete plus tombstone when it does not. Records carry {@link RecordConventions#REPAIR_HEADER},
 * so a sink also overwrites a row at the same revision (corruption), which the revision guard
 * would otherwise refuse. SQL is never written directly.
 *
 * <p>Where SQL holds the key at a revision above etcd's state of it (a row or tombstone at a revision
 * etcd never gave the key, as a record forged with a high {@code mod_revision} leaves), the guard would
 * refuse the repair too, so the record states that revision in {@link RecordConventions#REPLACES_HEADER}
 * and the sink removes that row or tombstone first, if it still holds exactly that revision. With
 * {@code signing.key} set, every record is signed like the watcher's.
 */
public final class Repairer {

    private static final Logger LOG = LoggerFactory.getLogger(Repairer.class);

    private final KV kv;
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final long epoch;
    private final Optional<RecordSigner> signer;
    private final EventCodec codec = new EventCodec();

    /**
     * @param signer signs every record, as the sinks expect when {@code signing.key} is set; empty when it is not
     */
    public Repairer(KV kv, Producer<byte[], byte[]> producer, String topic, long epoch, Optional<RecordSigner> signer) {
        this.kv = kv;
        this.producer = producer;
        this.topic = topic;
        this.epoch = epoch;
        this.signer = signer;
    }

    /** Re-emits every differing key; returns how many records were written. */
    public long repair(DifferenceLog differences) {
        List<Future<?>> sends = new ArrayList<>();
        long[] written = {0};
        int partitions = producer.partitionsFor(topic).size();
        differences.forEach(located -> {
            byte[] key = located.difference().key();
            long sqlRevision = located.difference().sqlRevision();
            GetResponse now = get(key);
            String cluster = Long.toHexString(now.getHeader().getClusterId());
            long ts = System.currentTimeMillis();
            int partition = KeyPartitions.of(key, partitions);
            if (now.getKvs().isEmpty()) {
                long rev = now.getHeader().getRevision();
                long replaces = sqlRevision > rev ? sqlRevision : 0;
                ChangeEvent delete = ChangeEvent.delete(key, null, new Source(cluster, rev, epoch, true), ts);
                sends.add(producer.send(record(partition, key, codec.encode(delete), RecordConventions.KIND_CHANGE, rev, replaces)));
                sends.add(producer.send(record(partition, key, null, RecordConventions.KIND_TOMBSTONE, rev, replaces)));
                written[0] += 2;
            } else {
                io.etcd.jetcd.KeyValue e = now.getKvs().get(0);
                KeyValue current = new KeyValue(key, e.getValue().getBytes(), e.getCreateRevision(), e.getModRevision(),
                        e.getVersion(), e.getLease());
                long replaces = sqlRevision > e.getModRevision() ? sqlRevision : 0;
                ChangeEvent read = ChangeEvent.read(current, new Source(cluster, now.getHeader().getRevision(), epoch, true), ts);
                sends.add(producer.send(record(partition, key, codec.encode(read), RecordConventions.KIND_CHANGE,
                        e.getModRevision(), replaces)));
                written[0]++;
            }
        });
        producer.flush();
        for (Future<?> f : sends) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new ReconcileException("writing a repair record to topic " + topic + " failed: " + e
                        + ". Nothing in SQL was changed directly; run the repair again once Kafka is reachable.", e);
            }
        }
        LOG.info("Re-emitted {} records for {} differing keys to {}", written[0], differences.total(), topic);
        return written[0];
    }

    private ProducerRecord<byte[], byte[]> record(int partition, byte[] key, byte[] value, String kind, long revision,
                                                  long replaces) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(RecordConventions.KIND_HEADER, RecordConventions.header(kind));
        headers.add(RecordConventions.REVISION_HEADER, RecordConventions.header(revision));
        headers.add(RecordConventions.EPOCH_HEADER, RecordConventions.header(epoch));
        headers.add(RecordConventions.REPAIR_HEADER, RecordConventions.header("true"));
        if (replaces > 0) {
            headers.add(RecordConventions.REPLACES_HEADER, RecordConventions.header(replaces));
        }
        if (value != null) {
            headers.add(RecordConventions.FORMAT_HEADER, RecordConventions.header(RecordConventions.FORMAT_V1));
        }
        signer.ifPresent(s -> s.sign(topic, partition, key, value, headers));
        return new ProducerRecord<>(topic, partition, key, value, headers);
    }

    private GetResponse get(byte[] key) {
        return io.ferry.reconciler.etcd.EtcdReads.read("reading the current etcd state of a differing key",
                () -> kv.get(ByteSequence.from(key)));
    }
}
