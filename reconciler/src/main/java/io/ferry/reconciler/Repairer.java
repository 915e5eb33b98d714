package io.ferry.reconciler;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.EventCodec;
import io.ferry.core.event.KeyValue;
import io.ferry.core.event.RecordConventions;
import io.ferry.core.event.Source;
import java.util.ArrayList;
import java.util.List;
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
 */
public final class Repairer {

    private static final Logger LOG = LoggerFactory.getLogger(Repairer.class);

    private final KV kv;
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final long epoch;
    private final EventCodec codec = new EventCodec();

    public Repairer(KV kv, Producer<byte[], byte[]> producer, String topic, long epoch) {
        this.kv = kv;
        this.producer = producer;
        this.topic = topic;
        this.epoch = epoch;
    }

    /** Re-emits every differing key; returns how many records were written. */
    public long repair(DifferenceLog differences) {
        List<Future<?>> sends = new ArrayList<>();
        long[] written = {0};
        differences.forEach(located -> {
            byte[] key = located.difference().key();
            GetResponse now = get(key);
            String cluster = Long.toHexString(now.getHeader().getClusterId());
            long ts = System.currentTimeMillis();
            if (now.getKvs().isEmpty()) {
                long rev = now.getHeader().getRevision();
                ChangeEvent delete = ChangeEvent.delete(key, null, new Source(cluster, rev, epoch, true), ts);
                sends.add(producer.send(record(key, codec.encode(delete), RecordConventions.KIND_CHANGE, rev)));
                sends.add(producer.send(record(key, null, RecordConventions.KIND_TOMBSTONE, rev)));
                written[0] += 2;
            } else {
                io.etcd.jetcd.KeyValue e = now.getKvs().get(0);
                KeyValue current = new KeyValue(key, e.getValue().getBytes(), e.getCreateRevision(), e.getModRevision(),
                        e.getVersion(), e.getLease());
                ChangeEvent read = ChangeEvent.read(current, new Source(cluster, now.getHeader().getRevision(), epoch, true), ts);
                sends.add(producer.send(record(key, codec.encode(read), RecordConventions.KIND_CHANGE, e.getModRevision())));
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

    private ProducerRecord<byte[], byte[]> record(byte[] key, byte[] value, String kind, long revision) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(RecordConventions.KIND_HEADER, RecordConventions.header(kind));
        headers.add(RecordConventions.REVISION_HEADER, RecordConventions.header(revision));
        headers.add(RecordConventions.EPOCH_HEADER, RecordConventions.header(epoch));
        headers.add(RecordConventions.REPAIR_HEADER, RecordConventions.header("true"));
        if (value != null) {
            headers.add(RecordConventions.FORMAT_HEADER, RecordConventions.header(RecordConventions.FORMAT_V1));
        }
        return new ProducerRecord<>(topic, null, key, value, headers);
    }

    private GetResponse get(byte[] key) {
        return io.ferry.reconciler.etcd.EtcdReads.read("reading the current etcd state of a differing key",
                () -> kv.get(ByteSequence.from(key)));
    }
}
