package io.ferry.watcher;

import static io.ferry.watcher.Fixture.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.ferry.core.event.ChangeEvent;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kill -9 of a watcher process mid-stream, and failover between two, against real etcd and Kafka. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProcessCrashIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void killMinus9MidStreamThenRestartCommitsEveryRevisionExactlyOnce() throws Exception {
        String prefix = "/crash/";
        Client etcd = ETCD.client();
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "crash", prefix);
        List<Long> written = new ArrayList<>();
        try (ChildWatcher first = new ChildWatcher(s, "first")) {
            awaitState(first, WatcherState.STREAMING);
            for (int i = 0; i < 1500; i++) {
                written.add(Fixture.put(etcd, bytes(prefix + "k" + (i % 300)), bytes("v" + i)));
            }
            long before = written.get(written.size() - 1);
            // Kill it once part of the stream is committed and the rest is in flight.
            await().atMost(Duration.ofMinutes(1)).until(() -> Fixture.checkpointRevision(KAFKA, "crash") > written.get(0));
            for (int i = 1500; i < 2000; i++) {
                written.add(Fixture.put(etcd, bytes(prefix + "k" + (i % 300)), bytes("v" + i)));
            }
            first.kill();
            assertTrue(before > 0);
        }
        for (int i = 2000; i < 2500; i++) {
            written.add(Fixture.put(etcd, bytes(prefix + "k" + (i % 300)), bytes("v" + i)));
        }
        try (ChildWatcher second = new ChildWatcher(s, "second")) {
            awaitState(second, WatcherState.STREAMING);
            long last = written.get(written.size() - 1);
            await().atMost(Duration.ofMinutes(2)).until(() -> Fixture.checkpointRevision(KAFKA, "crash") >= last);
        }
        assertEveryRevisionOnce("crash", written);
    }

    @Test
    void theStandbyTakesOverWhenTheLeaderIsKilled() throws Exception {
        String prefix = "/ha/";
        Client etcd = ETCD.client();
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "ha", prefix);
        s.put("watcher.ha.enabled", true);
        s.put("watcher.ha.lease.ttl.ms", 2000);
        List<Long> written = new ArrayList<>();
        try (ChildWatcher leader = new ChildWatcher(s, "leader")) {
            awaitState(leader, WatcherState.STREAMING);
            try (ChildWatcher standby = new ChildWatcher(s, "standby")) {
                awaitState(standby, WatcherState.STANDBY);
                for (int i = 0; i < 500; i++) {
                    written.add(Fixture.put(etcd, bytes(prefix + "k" + (i % 100)), bytes("v" + i)));
                }
                leader.kill();
                for (int i = 500; i < 1000; i++) {
                    written.add(Fixture.put(etcd, bytes(prefix + "k" + (i % 100)), bytes("v" + i)));
                }
                awaitState(standby, WatcherState.STREAMING);
                long last = written.get(written.size() - 1);
                await().atMost(Duration.ofMinutes(2)).until(() -> Fixture.checkpointRevision(KAFKA, "ha") >= last);
                assertTrue(standby.alive());
            }
        }
        assertEveryRevisionOnce("ha", written);
    }

    private static void awaitState(ChildWatcher child, WatcherState state) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .failFast("the child watcher died; see " + child.log(), () -> !child.alive())
                .until(() -> child.reached(state));
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
