package io.ferry.connect;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.event.Bytes;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import io.ferry.watcher.EtcdWatcher;
import io.ferry.watcher.WatcherState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd to PostgreSQL through Ferry's watcher, Kafka, and a real Kafka Connect worker running
 * Debezium's JDBC sink 3.5 with {@link ToDebezium}, configured exactly as docs/event-format.md
 * says. The table must equal etcd (keys, values, revisions, leases; deletes applied) after the
 * initial snapshot, after live changes, and after a re-snapshot that etcd's compaction forced,
 * where it holds exactly the keys deleted during the gap until the documented epoch statement
 * removes them. A second, shorter run has the watcher carry previous values ({@code before}).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ConnectDebeziumJdbcSinkIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    @RegisterExtension
    static final SqlDatabase PG = SqlDatabase.postgres();

    /** Its own prefix and topic, so that a shared external etcd or Kafka (the testkit's env variables) holds nothing of another run. */
    private static final String RUN = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private static final String PREFIX = "/connect-it-" + RUN + "/";
    private static final Duration CATCH_UP = Duration.ofMinutes(2);

    @TempDir
    static Path dir;

    @Test
    void postgresEndsEqualToEtcdThroughSnapshotLiveChangesAndAReSnapshotAfterCompaction() throws Exception {
        Map<String, String> connector = connectorSettings();
        String topic = connector.get("topics");
        String table = connector.get("collection.name.format");
        Client client = ETCD.client();
        KV kv = client.getKVClient();

        // A fresh jetcd client's first call can fail while its channel connects; a read is safe to repeat.
        await("etcd's first answer").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> kv.get(seq(bytes(PREFIX))).get(5, TimeUnit.SECONDS) != null);
        long lease = client.getLeaseClient().grant(3600).get(30, TimeUnit.SECONDS).getID();
        for (int i = 0; i < 100; i++) {
            put(kv, String.format("%sk%03d", PREFIX, i), "value-" + i);
        }
        put(kv, bytes(PREFIX + "bin/", 0xff, 0x00, 0x80), bytes("", 0x00, 'a', 0xc0, 0x80));
        put(kv, bytes(PREFIX + "empty"), new byte[0]);
        kv.put(seq(bytes(PREFIX + "leased")), seq(bytes("held")), PutOption.builder().withLeaseId(lease).build())
                .get(30, TimeUnit.SECONDS);

        ConnectWorker connect = null;
        try {
            try (EtcdWatcher watcher = startWatcher(topic)) {
                connect = ConnectWorker.start(dir.resolve("connect"), workerSettings(), connector);
                awaitTableEqualsEtcd(connect, watcher, table, "the initial snapshot");

                for (int i = 0; i < 10; i++) {
                    put(kv, PREFIX + "live/n" + i, "new-" + i);
                }
                for (int i = 0; i < 20; i++) {
                    put(kv, String.format("%sk%03d", PREFIX, i), "updated-" + i);
                }
                put(kv, bytes(PREFIX + "bin/", 0xff, 0x00, 0x80), bytes("", 0xfe, 0x00));
                for (int i = 20; i < 30; i++) {
                    kv.delete(seq(bytes(String.format("%sk%03d", PREFIX, i)))).get(30, TimeUnit.SECONDS);
                }
                // One etcd transaction, one revision: puts and deletes of several keys.
                kv.txn().Then(
                        Op.put(seq(bytes(PREFIX + "txn/a")), seq(bytes("in-txn")), PutOption.DEFAULT),
                        Op.put(seq(bytes(PREFIX + "k030")), seq(bytes("txn-update")), PutOption.DEFAULT),
                        Op.delete(seq(bytes(PREFIX + "k031")), DeleteOption.DEFAULT),
                        Op.delete(seq(bytes(PREFIX + "k032")), DeleteOption.DEFAULT)).commit().get(30, TimeUnit.SECONDS);
                // A range delete: ten deletes at one revision.
                kv.delete(seq(bytes(PREFIX + "k04")), DeleteOption.builder().isPrefix(true).build()).get(30, TimeUnit.SECONDS);
                awaitTableEqualsEtcd(connect, watcher, table, "live changes");
            }

            // The watcher is down: etcd changes, some keys are deleted, and the history it needs is compacted away.
            Map<String, Tables.Row> beforeGap = Tables.etcd(client, PREFIX);
            for (int i = 0; i < 5; i++) {
                put(kv, PREFIX + "gap/n" + i, "gap-" + i);
            }
            for (int i = 50; i < 55; i++) {
                put(kv, String.format("%sk%03d", PREFIX, i), "gap-update-" + i);
            }
            Map<String, Tables.Row> deletedInGap = new TreeMap<>();
            for (int i = 60; i < 70; i++) {
                String key = String.format("%sk%03d", PREFIX, i);
                kv.delete(seq(bytes(key))).get(30, TimeUnit.SECONDS);
                deletedInGap.put(Bytes.printable(bytes(key)), beforeGap.get(Bytes.printable(bytes(key))));
            }
            kv.delete(seq(bytes(PREFIX + "k070"))).get(30, TimeUnit.SECONDS);
            long last = put(kv, PREFIX + "k070", "recreated");
            ETCD.compact(last);

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (EtcdWatcher watcher = startWatcher(topic, registry)) {
                Map<String, Tables.Row> live = Tables.etcd(client, PREFIX);
                Map<String, Tables.Row> expected = new TreeMap<>(live);
                expected.putAll(deletedInGap);
                Map<String, Long> expectedEpochs = new TreeMap<>();
                live.keySet().forEach(k -> expectedEpochs.put(k, 2L));
                deletedInGap.keySet().forEach(k -> expectedEpochs.put(k, 1L));
                awaitTable(connect, watcher, "the re-snapshot: etcd's keys plus exactly those deleted during the gap", () -> {
                    assertEquals(expected, Tables.sql(PG, table));
                    assertEquals(expectedEpochs, Tables.epochs(PG, table));
                });
                assertEquals(1.0, registry.get("ferry.watcher.compactions.recovered").counter().count(),
                        "the watcher had to re-snapshot");

                int removed = Tables.execute(PG, ConnectDocs.block("connect-cleanup"));
                assertEquals(deletedInGap.size(), removed, "the documented statement removes the gap's deletes, nothing else");
                assertEquals(Tables.etcd(client, PREFIX), Tables.sql(PG, table));

                put(kv, PREFIX + "after/x", "streaming again");
                kv.delete(seq(bytes(PREFIX + "k000"))).get(30, TimeUnit.SECONDS);
                awaitTableEqualsEtcd(connect, watcher, table, "live changes after the re-snapshot");
            }
        } finally {
            if (connect != null) {
                connect.close();
            }
        }
        TopicCheck.assertOneDeleteEventAndOneTombstonePerDelete(KAFKA, topic);
    }

    @Test
    void withPrevKvDeletesCarryTheWholeDeletedRowAndApplyAlike() throws Exception {
        Map<String, String> connector = connectorSettings(".prevkv");
        String topic = connector.get("topics");
        String table = connector.get("collection.name.format");
        String prefix = "/connect-it-" + RUN + "-prevkv/";
        KV kv = ETCD.client().getKVClient();
        await("etcd's first answer").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> kv.get(seq(bytes(prefix))).get(5, TimeUnit.SECONDS) != null);
        for (int i = 0; i < 20; i++) {
            put(kv, String.format("%sk%02d", prefix, i), "value-" + i);
        }
        try (EtcdWatcher watcher = startWatcher(topic, prefix, true, new SimpleMeterRegistry());
             ConnectWorker connect = ConnectWorker.start(dir.resolve("connect-prevkv"), workerSettings(), connector)) {
            awaitTableEqualsEtcd(connect, watcher, prefix, table, "the snapshot");
            for (int i = 0; i < 10; i++) {
                put(kv, String.format("%sk%02d", prefix, i), "updated-" + i);
            }
            for (int i = 10; i < 15; i++) {
                kv.delete(seq(bytes(String.format("%sk%02d", prefix, i)))).get(30, TimeUnit.SECONDS);
            }
            kv.txn().Then(Op.put(seq(bytes(prefix + "k00")), seq(bytes("in-txn")), PutOption.DEFAULT),
                    Op.delete(seq(bytes(prefix + "k01")), DeleteOption.DEFAULT)).commit().get(30, TimeUnit.SECONDS);
            awaitTableEqualsEtcd(connect, watcher, prefix, table, "updates and deletes with prev-kv");
        }
    }

    private static EtcdWatcher startWatcher(String topic) throws InterruptedException {
        return startWatcher(topic, PREFIX, false, new SimpleMeterRegistry());
    }

    private static EtcdWatcher startWatcher(String topic, SimpleMeterRegistry registry) throws InterruptedException {
        return startWatcher(topic, PREFIX, false, registry);
    }

    private static EtcdWatcher startWatcher(String topic, String prefix, boolean prevKv, SimpleMeterRegistry registry)
            throws InterruptedException {
        Map<String, Object> s = new HashMap<>();
        s.put("etcd.endpoints", ETCD.endpoint());
        s.put("etcd.prefix", prefix);
        s.put("watcher.prev.kv", prevKv);
        s.put("kafka.bootstrap", KAFKA.bootstrapServers());
        s.put("kafka.topic", topic);
        s.put("kafka.topic.partitions", 3);
        s.put("watcher.ha.enabled", false);
        s.put("watcher.watermark.interval.ms", 500);
        EtcdWatcher watcher = EtcdWatcher.create(FerryConfig.fromMap(s), registry);
        watcher.start();
        if (!watcher.awaitStreaming(Duration.ofMinutes(2))) {
            watcher.close();
            throw new IllegalStateException("the watcher did not reach STREAMING within 2 minutes: " + watcher.state());
        }
        return watcher;
    }

    /** The documented worker settings, with this test's broker. */
    private static Map<String, String> workerSettings() {
        Map<String, String> w = new LinkedHashMap<>(ConnectDocs.worker());
        w.put("bootstrap.servers", KAFKA.bootstrapServers());
        return w;
    }

    /** The documented connector settings, with this test's topic and database. */
    private static Map<String, String> connectorSettings() {
        return connectorSettings("");
    }

    /** @param variant empty for the documented names, else a suffix for a second connector, topic and table */
    private static Map<String, String> connectorSettings(String variant) {
        Map<String, String> c = new LinkedHashMap<>(ConnectDocs.connector());
        c.put("topics", c.get("topics") + variant + "." + RUN);
        if (!variant.isEmpty()) {
            c.put("name", c.get("name") + variant);
            c.put("collection.name.format", c.get("collection.name.format") + variant.replace('.', '_'));
        }
        c.put("connection.url", PG.jdbcUrl());
        c.put("connection.username", PG.user());
        if (PG.password().isEmpty()) {
            c.remove("connection.password");
        } else {
            c.put("connection.password", PG.password());
        }
        return c;
    }

    private static void awaitTableEqualsEtcd(ConnectWorker connect, EtcdWatcher watcher, String table, String phase) {
        awaitTableEqualsEtcd(connect, watcher, PREFIX, table, phase);
    }

    private static void awaitTableEqualsEtcd(ConnectWorker connect, EtcdWatcher watcher, String prefix, String table,
                                             String phase) {
        awaitTable(connect, watcher, phase, () -> assertEquals(Tables.etcd(ETCD.client(), prefix), Tables.sql(PG, table)));
    }

    private static void awaitTable(ConnectWorker connect, EtcdWatcher watcher, String phase,
                                   ThrowingRunnable assertion) {
        await("PostgreSQL after " + phase).atMost(CATCH_UP).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            // Either process failing ends the wait at once, with its own words, instead of after the timeout.
            connect.check();
            assertNotEquals(WatcherState.FAILED, watcher.state(), () -> "the watcher failed: " + watcher.failure());
            assertion.run();
        });
    }

    private static long put(KV kv, String key, String value) throws Exception {
        return put(kv, bytes(key), bytes(value));
    }

    private static long put(KV kv, byte[] key, byte[] value) throws Exception {
        return kv.put(seq(key), seq(value)).get(30, TimeUnit.SECONDS).getHeader().getRevision();
    }

    /** The UTF-8 bytes of {@code text} followed by {@code more} raw bytes. */
    private static byte[] bytes(String text, int... more) {
        byte[] head = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(head, head.length + more.length);
        for (int i = 0; i < more.length; i++) {
            out[head.length + i] = (byte) more[i];
        }
        return out;
    }

    private static ByteSequence seq(byte[] bytes) {
        return ByteSequence.from(bytes);
    }
}
