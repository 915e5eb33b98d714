package io.ferry.watcher;

import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.ferry.core.KeyRanges;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.EventCodec;
import io.ferry.core.event.RecordConventions;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Shared helpers of the watcher's integration tests: configuration, etcd writes, and reading topics back. */
final class Fixture {

    static final EventCodec CODEC = new EventCodec();

    private Fixture() {
    }

    /** Configuration flat map for one test: its own topic and prefix, HA off unless a test turns it on. */
    static Map<String, Object> settings(EtcdServer etcd, KafkaBroker kafka, String topic, String prefix) {
        Map<String, Object> m = new HashMap<>();
        m.put("etcd.endpoints", etcd.endpoint());
        m.put("etcd.prefix", prefix);
        m.put("kafka.bootstrap", kafka.bootstrapServers());
        m.put("kafka.topic", topic);
        m.put("kafka.topic.partitions", 3);
        m.put("watcher.ha.enabled", false);
        m.put("watcher.watermark.interval.ms", 300);
        return m;
    }

    static FerryConfig config(Map<String, Object> settings) {
        return FerryConfig.fromMap(settings);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long put(Client client, byte[] key, byte[] value) throws Exception {
        return client.getKVClient().put(ByteSequence.from(key), ByteSequence.from(value)).get(30, TimeUnit.SECONDS)
                .getHeader().getRevision();
    }

    static long delete(Client client, byte[] key) throws Exception {
        return client.getKVClient().delete(ByteSequence.from(key)).get(30, TimeUnit.SECONDS).getHeader().getRevision();
    }

    /** {@code count} keys {@code <prefix>k000000...} with values of about 210 bytes, 100 per etcd transaction. */
    static void loadKeys(Client etcd, String prefix, int count) throws Exception {
        int batch = 100;
        for (int i = 0; i < count; i += batch) {
            List<Op> ops = new ArrayList<>();
            for (int j = i; j < Math.min(count, i + batch); j++) {
                ops.add(Op.put(ByteSequence.from(bytes(String.format("%sk%06d", prefix, j))),
                        ByteSequence.from(bytes("value-" + j + "-".repeat(200))), PutOption.DEFAULT));
            }
            commitWithRetry(etcd, ops);
        }
    }

    /** The very first call of a fresh jetcd client can fail while its channel connects; a txn of puts is safe to redo. */
    private static void commitWithRetry(Client etcd, List<Op> ops) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                etcd.getKVClient().txn().Then(ops.toArray(Op[]::new)).commit().get(30, TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    static long revision(Client client) throws Exception {
        return client.getKVClient().get(ByteSequence.from(bytes("/")), GetOption.builder().withCountOnly(true).build())
                .get(30, TimeUnit.SECONDS).getHeader().getRevision();
    }

    /** Every key-value under the prefix now, in key order, read in pages that fit a gRPC message. */
    static List<KeyValue> all(Client client, String prefix) throws Exception {
        List<KeyValue> out = new ArrayList<>();
        byte[] from = bytes(prefix);
        ByteSequence end = ByteSequence.from(KeyRanges.prefixEnd(bytes(prefix)));
        long revision = 0;
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(2000);
            if (revision > 0) {
                option.withRevision(revision);
            }
            GetResponse page = client.getKVClient().get(ByteSequence.from(from), option.build()).get(60, TimeUnit.SECONDS);
            revision = page.getHeader().getRevision();
            out.addAll(page.getKvs());
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return out;
            }
            from = KeyRanges.successor(page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes());
        }
    }

    static void awaitProduced(LongSupplier produced, long revision, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> produced.getAsLong() >= revision);
    }

    /** The revision of the newest committed checkpoint of a change topic, or -1. */
    static long checkpointRevision(KafkaBroker kafka, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = readCommitted(kafka, Checkpoint.topicFor(topic));
        Optional<Checkpoint> last = records.stream().filter(r -> r.value() != null)
                .map(r -> Checkpoint.decode(r.value())).reduce((a, b) -> b);
        return last.filter(c -> !c.snapshotting()).map(Checkpoint::revision).orElse(-1L);
    }

    /** Every committed record of a topic, partition by partition in offset order, as a read_committed consumer sees it. */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(KafkaBroker kafka, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                tps.add(new TopicPartition(topic, info.partition()));
            }
            tps.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(30));
            for (TopicPartition tp : tps) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (consumer.position(tp, Duration.ofSeconds(30)) < ends.get(tp)) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("could not read " + tp + " up to offset " + ends.get(tp));
                    }
                    consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                }
            }
        }
        return out;
    }

    static String kind(ConsumerRecord<byte[], byte[]> r) {
        Header h = r.headers().lastHeader(RecordConventions.KIND_HEADER);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static long headerLong(ConsumerRecord<byte[], byte[]> r, String name) {
        return RecordConventions.parseLongHeader(r.headers().lastHeader(name).value());
    }
}
