package io.ferry.cli;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.EventCodec;
import io.ferry.core.event.KeyValue;
import io.ferry.core.event.RecordConventions;
import io.ferry.core.event.Source;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The records of issue 21's attack, as a plain producer without Ferry's key writes them: a
 * {@code snapshot_begin}/{@code snapshot_end} pair on every partition, which makes a sink sweep every
 * row the pretended snapshot did not refresh, and a change at {@code mod_revision} 999999, which pins
 * its row so that every later real put counts as stale. Well formed in every other respect: the
 * envelope, the headers and the partitions are the watcher's.
 */
final class ForgedRecords {

    static final long PIN = 999_999;

    private static final EventCodec CODEC = new EventCodec();

    private ForgedRecords() {
    }

    /** The sweep on every partition at {@code revision} (above every live row), then the pin of {@code key}. */
    static List<ProducerRecord<byte[], byte[]>> sweepAndPin(String topic, int partitions, String clusterId, long revision,
                                                            String key) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (ControlRecord.Kind kind : List.of(ControlRecord.Kind.SNAPSHOT_BEGIN, ControlRecord.Kind.SNAPSHOT_END)) {
            for (int p = 0; p < partitions; p++) {
                ControlRecord c = new ControlRecord(kind, clusterId, revision, 99, p, System.currentTimeMillis());
                out.add(new ProducerRecord<>(topic, p, RecordConventions.controlKey(kind, p), CODEC.encode(c),
                        headers(kind.wireName(), revision)));
            }
        }
        out.add(pin(topic, clusterId, key));
        return out;
    }

    /** A put of {@code key} at revision {@value #PIN}, to the partition of its key. */
    static ProducerRecord<byte[], byte[]> pin(String topic, String clusterId, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        KeyValue kv = new KeyValue(k, "forged".getBytes(StandardCharsets.UTF_8), PIN, PIN, 1, 0);
        ChangeEvent e = ChangeEvent.put(kv, null, new Source(clusterId, PIN, 1, false), System.currentTimeMillis());
        return new ProducerRecord<>(topic, null, k, CODEC.encode(e), headers(RecordConventions.KIND_CHANGE, PIN));
    }

    /** {@code record} signed with {@code signer}, for the partition of its key (as the watcher sends it). */
    static ProducerRecord<byte[], byte[]> signed(ProducerRecord<byte[], byte[]> record, int partitions,
                                                 io.ferry.clients.RecordSigner signer) {
        int partition = record.partition() != null ? record.partition()
                : io.ferry.clients.KeyPartitions.of(record.key(), partitions);
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        signer.sign(record.topic(), partition, record.key(), record.value(), headers);
        return new ProducerRecord<>(record.topic(), partition, record.key(), record.value(), headers);
    }

    private static RecordHeaders headers(String kind, long revision) {
        RecordHeaders h = new RecordHeaders();
        h.add(RecordConventions.KIND_HEADER, RecordConventions.header(kind));
        h.add(RecordConventions.REVISION_HEADER, RecordConventions.header(revision));
        h.add(RecordConventions.EPOCH_HEADER, RecordConventions.header(99));
        h.add(RecordConventions.FORMAT_HEADER, RecordConventions.header(RecordConventions.FORMAT_V1));
        return h;
    }

    /**
     * Sends the records with a plain (non-transactional) producer built from {@code client}, and
     * waits for each acknowledgement.
     *
     * @throws ExecutionException the first send that failed, its cause the broker's refusal. An idempotent
     *         producer can be refused its producer id before {@code send} is called, and then {@code send}
     *         throws at once instead of failing the future; both ways are reported alike, so that a test does
     *         not depend on that race.
     */
    static void send(Properties client, Map<String, Object> extra, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.putAll(extra);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                try {
                    sent.add(producer.send(r));
                } catch (KafkaException e) {
                    throw new ExecutionException(refusal(e));
                }
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The broker's error inside the producer's wrapper, or the exception itself when there is none. */
    private static Throwable refusal(KafkaException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException) {
                return t;
            }
        }
        return e;
    }
}
