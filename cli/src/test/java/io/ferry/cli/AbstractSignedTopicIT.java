package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.ferry.clients.RecordSigner;
import io.ferry.core.config.SigningConfig;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change topic is not a way in, even where anyone may write it (a plain broker, no ACLs): with
 * {@code signing.key} set, the forged records of issue 21 (a snapshot bracket that sweeps live rows
 * and a change at revision 999999 that pins one, sent by a producer without the key) halt their
 * partitions, or go to the dead-letter topic, and change nothing in SQL; and {@code ferry reconcile
 * --repair} clears a pinned row with records it signs. Without the key the same records do sweep and
 * pin, which is what the first test shows. Subclassed per database.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
abstract class AbstractSignedTopicIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String KEY = "test-signing-key-0123456789-abcdefghij";
    private static final AtomicInteger NEXT = new AtomicInteger();

    @TempDir
    Path dir;

    abstract SqlDatabase db();

    /** One pipeline's names. */
    record Names(String topic, String prefix, String table) {
    }

    Names names(String what) {
        String id = what + NEXT.incrementAndGet() + "_" + db().kind().name().toLowerCase(java.util.Locale.ROOT);
        return new Names("signed." + id, "/" + id + "/", "kv_" + id);
    }

    Map<String, Object> settings(Names n, boolean signing) {
        Map<String, Object> m = new HashMap<>();
        m.put("etcd.endpoints", ETCD.endpoint());
        m.put("etcd.prefix", n.prefix());
        m.put("kafka.bootstrap", KAFKA.bootstrapServers());
        m.put("kafka.topic", n.topic());
        m.put("kafka.topic.partitions", 2);
        m.put("watcher.ha.enabled", false);
        m.put("watcher.watermark.interval.ms", 300);
        m.put("sink.jdbc", db().jdbcUrl());
        if (db().user() != null && !db().user().isEmpty()) {
            m.put("sink.user", db().user());
        }
        if (db().password() != null && !db().password().isEmpty()) {
            m.put("sink.password", db().password());
        }
        m.put("sink.table", n.table());
        m.put("sink.group", "g." + n.topic());
        m.put("http.enabled", false);
        if (signing) {
            m.put("signing.key", KEY);
        }
        return m;
    }

    /** Three live keys, replicated; returns the target's row. */
    private SqlRows.Row seed(KV kv, Names n) throws Exception {
        put(kv, n.prefix() + "live-a", "a1");
        put(kv, n.prefix() + "live-b", "b1");
        put(kv, n.prefix() + "target", "t1");
        SqlRows.await(db(), n.table(), n.prefix() + "live-a", "a1");
        SqlRows.await(db(), n.table(), n.prefix() + "live-b", "b1");
        return SqlRows.await(db(), n.table(), n.prefix() + "target", "t1");
    }

    private static List<ProducerRecord<byte[], byte[]>> attack(Names n, SqlRows.Row target) {
        return ForgedRecords.sweepAndPin(n.topic(), 2, "attacker", target.modRevision() + 1000, n.prefix() + "target");
    }

    private static Properties plainProducer() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        return p;
    }

    @Test
    void withoutTheKeyTheForgedRecordsSweepLiveRowsAndPinOne() throws Exception {
        Names n = names("open");
        KV kv = ETCD.client().getKVClient();
        try (Replication r = Replication.start(settings(n, false), settings(n, false))) {
            SqlRows.Row target = seed(kv, n);
            ForgedRecords.send(plainProducer(), Map.of(), attack(n, target));
            SqlRows.await(db(), n.table(), n.prefix() + "target", "forged");
            put(kv, n.prefix() + "target", "t2");
            put(kv, n.prefix() + "sentinel", "s");
            SqlRows.await(db(), n.table(), n.prefix() + "sentinel", "s");

            assertNull(SqlRows.read(db(), n.table(), n.prefix() + "live-a"), "swept by the forged snapshot bracket");
            assertNull(SqlRows.read(db(), n.table(), n.prefix() + "live-b"), "swept by the forged snapshot bracket");
            assertEquals(new SqlRows.Row("forged", ForgedRecords.PIN), SqlRows.read(db(), n.table(), n.prefix() + "target"),
                    "pinned: the real put counts as stale");
        }
    }

    @Test
    void withTheKeyTheForgedRecordsHaltTheirPartitionsAndChangeNothing() throws Exception {
        Names n = names("halt");
        KV kv = ETCD.client().getKVClient();
        try (Replication r = Replication.start(settings(n, true), settings(n, true))) {
            SqlRows.Row target = seed(kv, n);
            ForgedRecords.send(plainProducer(), Map.of(), attack(n, target));
            put(kv, n.prefix() + "target", "t2");
            // Each partition meets a forged snapshot_begin first and halts there, counted once.
            r.awaitRefused("unsigned", 2);

            assertEquals("a1", SqlRows.read(db(), n.table(), n.prefix() + "live-a").value());
            assertEquals("b1", SqlRows.read(db(), n.table(), n.prefix() + "live-b").value());
            assertEquals(target, SqlRows.read(db(), n.table(), n.prefix() + "target"), "neither pinned nor moved past the halt");
            assertEquals(io.ferry.sink.JdbcSink.State.RUNNING, r.sink().state(), "the sink halts partitions, it does not die");
        }
    }

    @Test
    void withTheKeyAndADeadLetterTopicForgedRecordsAreDivertedAndRealChangesGoOn() throws Exception {
        Names n = names("dlq");
        KV kv = ETCD.client().getKVClient();
        Map<String, Object> sink = settings(n, true);
        sink.put("sink.dlq.topic", n.topic() + ".dlq");
        try (Replication r = Replication.start(settings(n, true), sink)) {
            SqlRows.Row target = seed(kv, n);
            List<ProducerRecord<byte[], byte[]>> forged = new ArrayList<>(attack(n, target));
            RecordSigner stranger = RecordSigner.of(new SigningConfig(List.of(
                    "a-key-that-is-not-ferrys-0123456789".getBytes(StandardCharsets.UTF_8)), false)).orElseThrow();
            forged.set(forged.size() - 1, ForgedRecords.signed(forged.get(forged.size() - 1), 2, stranger));
            ForgedRecords.send(plainProducer(), Map.of(), forged);
            put(kv, n.prefix() + "target", "t2");

            SqlRows.Row after = SqlRows.await(db(), n.table(), n.prefix() + "target", "t2");
            r.awaitRefused("unsigned", 4);
            r.awaitRefused("unknown_key", 1);
            assertTrue(after.modRevision() > target.modRevision() && after.modRevision() < ForgedRecords.PIN, after.toString());
            assertEquals("a1", SqlRows.read(db(), n.table(), n.prefix() + "live-a").value(), "nothing was swept");
            assertEquals("b1", SqlRows.read(db(), n.table(), n.prefix() + "live-b").value(), "nothing was swept");
        }
    }

    @Test
    void repairClearsAPinnedRowWithRecordsItSigns() throws Exception {
        Names n = names("repair");
        KV kv = ETCD.client().getKVClient();
        Map<String, Object> settings = settings(n, true);
        try (Replication r = Replication.start(settings, settings)) {
            seed(kv, n);
            // A pin that got past the signature (signed before the key was changed, say): the sink applies it.
            RecordSigner ferrys = RecordSigner.of(new SigningConfig(List.of(KEY.getBytes(StandardCharsets.UTF_8)), false))
                    .orElseThrow();
            ForgedRecords.send(plainProducer(), Map.of(), List.of(ForgedRecords.signed(
                    ForgedRecords.pin(n.topic(), "attacker", n.prefix() + "target"), 2, ferrys)));
            SqlRows.await(db(), n.table(), n.prefix() + "target", "forged");
            put(kv, n.prefix() + "target", "t2");
            put(kv, n.prefix() + "sentinel", "s");
            SqlRows.await(db(), n.table(), n.prefix() + "sentinel", "s");
            assertEquals("forged", SqlRows.read(db(), n.table(), n.prefix() + "target").value(), "t2 counted as stale");

            Map<String, Object> cli = new HashMap<>(settings);
            cli.put("signing.key", "${FERRY_SIGNING_KEY}");
            Path config = ConfigFile.write(dir.resolve("ferry.yaml"), cli);
            Cli.Result repair = Cli.run(dir, Map.of("FERRY_SIGNING_KEY", KEY), "reconcile", "--repair", "--wait", "0",
                    "-c", config.toString());
            assertEquals(1, repair.exit(), repair.toString());
            assertTrue(repair.out().contains("Repair: re-emitted 1 records"), repair.out());

            SqlRows.Row repaired = SqlRows.await(db(), n.table(), n.prefix() + "target", "t2");
            assertTrue(repaired.modRevision() < ForgedRecords.PIN, repaired.toString());
            // --wait 0: the other tests' topics share this database, and the reconciler's watermark gate reads them all.
            Cli.Result clean = Cli.run(dir, Map.of("FERRY_SIGNING_KEY", KEY), "reconcile", "--wait", "0", "-c", config.toString());
            assertEquals(0, clean.exit(), clean.toString());
            put(kv, n.prefix() + "target", "t3");
            SqlRows.await(db(), n.table(), n.prefix() + "target", "t3");
            assertEquals(0, r.refused("unsigned") + r.refused("invalid") + r.refused("unknown_key"),
                    "the repair's records carry Ferry's signature");
        }
    }

    private static void put(KV kv, String key, String value) throws Exception {
        kv.put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value, StandardCharsets.UTF_8))
                .get(30, TimeUnit.SECONDS);
    }
}
