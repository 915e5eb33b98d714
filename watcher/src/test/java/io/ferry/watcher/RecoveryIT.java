package io.ferry.watcher;

import static io.ferry.watcher.Fixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.Envelope;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Compaction past the checkpoint, and a broker restart under load, against real etcd and Kafka. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RecoveryIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void compactionPastTheCheckpointLeadsToANewEpochWithoutTheDeletedKeys() throws Exception {
        String prefix = "/cmp/";
        Client etcd = ETCD.client();
        for (int i = 0; i < 10; i++) {
            Fixture.put(etcd, bytes(prefix + "a" + i), bytes("v" + i));
        }
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "cmp", prefix);
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
            Fixture.awaitProduced(watcher::producedRevision, Fixture.revision(etcd), Duration.ofMinutes(1));
        }
        // While the watcher is down: create, update, delete, then compact past its checkpoint.
        for (int i = 0; i < 5; i++) {
            Fixture.put(etcd, bytes(prefix + "b" + i), bytes("new" + i));
        }
        Fixture.put(etcd, bytes(prefix + "a0"), bytes("changed"));
        for (int i = 1; i <= 3; i++) {
            Fixture.delete(etcd, bytes(prefix + "a" + i));
        }
        long compacted = Fixture.revision(etcd);
        ETCD.compact(compacted);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), registry)) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
            Fixture.awaitProduced(watcher::producedRevision, compacted, Duration.ofMinutes(1));
            assertEquals(1.0, registry.get("ferry.watcher.compactions.recovered").counter().count());
        }

        Set<Integer> begins = new HashSet<>();
        Set<Integer> ends = new HashSet<>();
        Set<String> epoch2Reads = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : Fixture.readCommitted(KAFKA, "cmp")) {
            if (r.value() == null) {
                continue;
            }
            Envelope env = Fixture.CODEC.decode(r.value());
            if (env instanceof ControlRecord c && c.epoch() == 2) {
                assertTrue(c.revision() >= compacted, "the new snapshot is taken at or after the compaction");
                if (c.kind() == ControlRecord.Kind.SNAPSHOT_BEGIN) {
                    begins.add(r.partition());
                } else if (c.kind() == ControlRecord.Kind.SNAPSHOT_END) {
                    assertTrue(begins.contains(r.partition()), "snapshot_end after snapshot_begin");
                    ends.add(r.partition());
                }
            } else if (env instanceof ChangeEvent e && e.source().snapshot() && e.source().epoch() == 2) {
                epoch2Reads.add(new String(e.key(), StandardCharsets.UTF_8).substring(prefix.length())
                        + "=" + new String(e.after().value(), StandardCharsets.UTF_8));
            }
        }
        assertEquals(Set.of(0, 1, 2), begins, "snapshot_begin of epoch 2 on every partition");
        assertEquals(Set.of(0, 1, 2), ends, "snapshot_end of epoch 2 on every partition");
        assertEquals(new TreeSet<>(List.of("a0=changed", "a4=v4", "a5=v5", "a6=v6", "a7=v7", "a8=v8", "a9=v9",
                "b0=new0", "b1=new1", "b2=new2", "b3=new3", "b4=new4")), epoch2Reads,
                "the epoch-2 snapshot holds exactly the live keys; a1..a3 were deleted during the gap");
    }

    @Test
    void anEtcdKillAndRestartMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
        String prefix = "/etcdkill/";
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "etcdkill", prefix);
        List<Long> written = new ArrayList<>();
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
            for (int i = 0; i < 1000; i++) {
                written.add(Fixture.put(ETCD.client(), bytes(prefix + "k" + (i % 100)), bytes("v" + i)));
            }
            ETCD.kill();
            ETCD.start();
            for (int i = 1000; i < 2000; i++) {
                written.add(putRetrying(bytes(prefix + "k" + (i % 100)), bytes("v" + i)));
            }
            Fixture.awaitProduced(watcher::producedRevision, written.get(written.size() - 1), Duration.ofMinutes(2));
        }
        assertEveryRevisionOnce("etcdkill", written);
    }

    /** Right after a restart the test's own client may need a moment to reconnect. */
    private static long putRetrying(byte[] key, byte[] value) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return Fixture.put(ETCD.client(), key, value);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }

    @Test
    void aBrokerRestartUnderLoadLosesNothing() throws Exception {
        String prefix = "/brk/";
        Client etcd = ETCD.client();
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "brk", prefix);
        List<Long> written = new ArrayList<>();
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
            for (int i = 0; i < 3000; i++) {
                written.add(Fixture.put(etcd, bytes(prefix + "k" + (i % 500)), bytes("v" + i)));
                if (i == 1000) {
                    KAFKA.restart();
                }
            }
            Fixture.awaitProduced(watcher::producedRevision, written.get(written.size() - 1), Duration.ofMinutes(4));
        }
        assertEveryRevisionOnce("brk", written);
    }

    private static void assertEveryRevisionOnce(String topic, List<Long> written) {
        Map<Long, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : Fixture.readCommitted(KAFKA, topic)) {
            if (r.value() != null && "change".equals(Fixture.kind(r))) {
                ChangeEvent e = Fixture.CODEC.decodeChange(r.value());
                if (!e.source().snapshot()) {
                    seen.merge(e.revision(), 1, Integer::sum);
                }
            }
        }
        for (long revision : written) {
            assertEquals(1, seen.getOrDefault(revision, 0), "revision " + revision + " committed exactly once");
        }
    }
}
