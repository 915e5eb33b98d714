package io.ferry.watcher;

import static io.ferry.watcher.Fixture.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.Envelope;
import io.ferry.core.event.RecordConventions;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Snapshot then watch, multi-key transactions and byte-exact copying, against real etcd and Kafka. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SnapshotAndWatchIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer("--max-request-bytes=4194304");
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final int KEYS = 100_000;

    @Test
    void snapshotEmitsEachLiveKeyOnceAndWritesDuringItAreNeitherLostNorDuplicated() throws Exception {
        String prefix = "/snap/";
        Client etcd = ETCD.client();
        Fixture.loadKeys(etcd, prefix, KEYS);
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "snap", prefix);
        s.put("watcher.snapshot.page.keys", 500);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong lastWrite = new AtomicLong();
        Thread writer = new Thread(() -> writeDuringSnapshot(etcd, prefix, writing, lastWrite), "test-writer");
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            writer.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(5)));
            writing.set(false);
            writer.join();
            long end = Fixture.revision(etcd);
            Fixture.awaitProduced(watcher::producedRevision, end, Duration.ofMinutes(2));
        }

        List<ConsumerRecord<byte[], byte[]>> records = Fixture.readCommitted(KAFKA, "snap");
        long snapshotRevision = -1;
        Set<ByteBuffer> readKeys = new HashSet<>();
        Set<String> watched = new HashSet<>();
        Map<ByteBuffer, ChangeEvent> latest = new HashMap<>();
        List<ChangeEvent> markedLast = new java.util.ArrayList<>();
        ByteBuffer lastReadKey = null;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                continue;
            }
            if (r.headers().lastHeader(io.ferry.core.event.RecordConventions.SNAPSHOT_LAST_HEADER) != null) {
                markedLast.add(Fixture.CODEC.decodeChange(r.value()));
            }
            Envelope env = Fixture.CODEC.decode(r.value());
            if (env instanceof ControlRecord c && c.kind() == ControlRecord.Kind.SNAPSHOT_BEGIN) {
                snapshotRevision = c.revision();
            } else if (env instanceof ChangeEvent e) {
                if (e.source().snapshot()) {
                    assertTrue(readKeys.add(ByteBuffer.wrap(e.key())), "snapshot read twice: " + e);
                    lastReadKey = lastReadKey == null || ByteBuffer.wrap(e.key()).compareTo(lastReadKey) > 0
                            ? ByteBuffer.wrap(e.key()) : lastReadKey;
                } else {
                    assertTrue(watched.add(ByteBuffer.wrap(e.key()) + "@" + e.revision()), "watched twice: " + e);
                }
                latest.merge(ByteBuffer.wrap(e.key()), e, (a, b) -> b.revision() > a.revision() ? b : a);
            }
        }
        long atR = etcd.getKVClient().get(ByteSequence.from(bytes(prefix)), GetOption.builder().isPrefix(true)
                .withCountOnly(true).withRevision(snapshotRevision).build()).get(60, TimeUnit.SECONDS).getCount();
        assertEquals(atR, readKeys.size(), "one snapshot read per key live at the snapshot revision");
        assertEquals(1, markedLast.size(), "exactly one read is marked the snapshot's last");
        assertEquals(lastReadKey, ByteBuffer.wrap(markedLast.get(0).key()), "the last read is the key last in key order");
        assertTrue(atR >= KEYS - 1000);

        // Every change after R is there exactly once; replaying the topic gives etcd's current state.
        long changesAfterR = etcd.getKVClient().get(ByteSequence.from(bytes(prefix)), GetOption.builder()
                .isPrefix(true).withCountOnly(true).withMinModRevision(snapshotRevision + 1).build())
                .get(60, TimeUnit.SECONDS).getCount();
        assertTrue(changesAfterR > 0, "the writer should have written during the snapshot");
        Map<ByteBuffer, KeyValue> now = new HashMap<>();
        for (KeyValue kv : Fixture.all(etcd, prefix)) {
            now.put(ByteBuffer.wrap(kv.getKey().getBytes()), kv);
        }
        for (Map.Entry<ByteBuffer, ChangeEvent> e : latest.entrySet()) {
            KeyValue kv = now.get(e.getKey());
            if (kv == null) {
                assertEquals(io.ferry.core.event.Op.DELETE, e.getValue().op(), "deleted in etcd: " + e.getValue());
            } else {
                assertEquals(kv.getModRevision(), e.getValue().revision(), "latest revision of " + e.getValue());
                assertArrayEquals(kv.getValue().getBytes(), e.getValue().after().value());
            }
        }
        assertTrue(latest.keySet().containsAll(now.keySet()), "every live key reached Kafka");
    }

    @Test
    void aMultiKeyTransactionHasOneRevisionAndOneKafkaTransaction() throws Exception {
        String prefix = "/txn/";
        Client etcd = ETCD.client();
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "txn", prefix);
        s.put("kafka.topic.partitions", 1); // one partition: a transaction marker would show as an offset gap
        s.put("watcher.commit.max.events", 1); // would split the etcd transaction if anything could
        Fixture.put(etcd, bytes(prefix + "seed"), bytes("x"));
        long txnRevision;
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ops.add(Op.put(ByteSequence.from(bytes(prefix + "k" + i)), ByteSequence.from(bytes("v" + i)),
                        PutOption.DEFAULT));
            }
            ops.add(Op.delete(ByteSequence.from(bytes(prefix + "seed")), DeleteOption.DEFAULT));
            Txn txn = etcd.getKVClient().txn();
            txnRevision = txn.Then(ops.toArray(Op[]::new)).commit().get(30, TimeUnit.SECONDS).getHeader().getRevision();
            Fixture.awaitProduced(watcher::producedRevision, txnRevision, Duration.ofMinutes(1));
        }
        List<ConsumerRecord<byte[], byte[]>> inTxn = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : Fixture.readCommitted(KAFKA, "txn")) {
            if (Fixture.headerLong(r, RecordConventions.REVISION_HEADER) == txnRevision
                    && !Fixture.kind(r).equals("watermark")) {
                inTxn.add(r);
            }
        }
        assertEquals(52, inTxn.size(), "50 puts, one delete and its tombstone");
        for (int i = 1; i < inTxn.size(); i++) {
            assertEquals(inTxn.get(i - 1).offset() + 1, inTxn.get(i).offset(),
                    "no commit marker inside the etcd transaction's records");
        }
        for (ConsumerRecord<byte[], byte[]> r : inTxn) {
            if (r.value() != null) {
                assertEquals(txnRevision, Fixture.CODEC.decodeChange(r.value()).revision());
            }
        }
    }

    @Test
    void watermarksAdvanceOnEveryPartitionWhileThePrefixIsQuiet() throws Exception {
        Client etcd = ETCD.client();
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "quiet", "/quiet/");
        long elsewhere;
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
            elsewhere = 0;
            for (int i = 0; i < 20; i++) {
                elsewhere = Fixture.put(etcd, bytes("/elsewhere/" + i), bytes("x")); // outside the prefix
            }
            // Only progress notifications can tell the watcher that nothing under /quiet/ changed.
            Fixture.awaitProduced(watcher::producedRevision, elsewhere, Duration.ofMinutes(1));
        }
        Map<Integer, Long> watermarks = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : Fixture.readCommitted(KAFKA, "quiet")) {
            if ("watermark".equals(Fixture.kind(r))) {
                ControlRecord c = (ControlRecord) Fixture.CODEC.decode(r.value());
                assertEquals(r.partition(), c.partition());
                watermarks.merge(r.partition(), c.revision(), Math::max);
            }
        }
        assertEquals(3, watermarks.size());
        for (long w : watermarks.values()) {
            assertTrue(w >= elsewhere, "watermark " + w + " reached the quiet revision " + elsewhere);
        }
    }

    @Test
    void invalidUtf8NulBytesAndAValueLargerThanTheWatchBufferArriveByteExact() throws Exception {
        String prefix = "/bin/";
        Client etcd = ETCD.client();
        byte[] badKey = {'/', 'b', 'i', 'n', '/', (byte) 0xff, 0, (byte) 0xc0, (byte) 0x80};
        byte[] nulValue = {'a', 0, 'b', 0};
        byte[] large = new byte[3 * 1024 * 1024 / 2];
        new Random(7).nextBytes(large);
        Map<byte[], byte[]> expected = new HashMap<>();
        expected.put(badKey, nulValue);
        expected.put(bytes("/bin/large-snapshot"), large);
        for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
            Fixture.put(etcd, e.getKey(), e.getValue());
        }
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "bin", prefix);
        // The smallest watch buffer: the 1.5 MiB watched value weighs more than all of it, so it must pass alone.
        s.put("watcher.queue.max.bytes", 64 * 1024);
        byte[] watchedKey = {'/', 'b', 'i', 'n', '/', 0, (byte) 0xfe};
        byte[] watchedLarge = large.clone();
        watchedLarge[0] ^= 1;
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
            Fixture.put(etcd, watchedKey, new byte[] {0, (byte) 0xff, (byte) 0xed, (byte) 0xa0, (byte) 0x80});
            long last = Fixture.put(etcd, bytes("/bin/large-watched"), watchedLarge);
            Fixture.awaitProduced(watcher::producedRevision, last, Duration.ofMinutes(1));
        }
        expected.put(watchedKey, new byte[] {0, (byte) 0xff, (byte) 0xed, (byte) 0xa0, (byte) 0x80});
        expected.put(bytes("/bin/large-watched"), watchedLarge);
        Map<ByteBuffer, byte[]> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : Fixture.readCommitted(KAFKA, "bin")) {
            if (r.value() != null && Fixture.kind(r).equals("change")) {
                ChangeEvent e = Fixture.CODEC.decodeChange(r.value());
                assertArrayEquals(e.key(), r.key(), "the record key is the etcd key's bytes");
                seen.put(ByteBuffer.wrap(e.key()), e.after().value());
            }
        }
        assertEquals(expected.size(), seen.size());
        for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), seen.get(ByteBuffer.wrap(e.getKey())));
        }
    }

    /** Updates, deletes and creates keys spread over the keyspace while the snapshot pages through it. */
    private static void writeDuringSnapshot(Client etcd, String prefix, AtomicBoolean writing, AtomicLong last) {
        Random random = new Random(42);
        int n = 0;
        try {
            while (writing.get() || n < 200) {
                int k = random.nextInt(KEYS);
                String key = String.format("%sk%06d", prefix, k);
                switch (n % 3) {
                    case 0 -> last.set(Fixture.put(etcd, bytes(key), bytes("updated-" + n)));
                    case 1 -> last.set(Fixture.delete(etcd, bytes(key)));
                    default -> last.set(Fixture.put(etcd, bytes(prefix + "new-" + n), bytes("created-" + n)));
                }
                n++;
            }
        } catch (Exception e) {
            throw new IllegalStateException("test writer failed", e);
        }
    }
}
