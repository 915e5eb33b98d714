package io.ferry.sink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import io.ferry.testkit.TcpProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink's scenarios, written once and run against every dialect by the subclasses. Each test
 * has its own topic, table, key prefix and consumer group, and asserts on the rows read back from
 * the real database against the exact state etcd would hold.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
abstract class AbstractSinkIT {

    static final Duration WAIT = Duration.ofMinutes(3);
    private static final AtomicInteger NEXT = new AtomicInteger();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    abstract SqlDatabase db();

    /** A fresh topic, table and group for one test. */
    record Names(String topic, String table, String group, String prefix) {
    }

    Names names(String what) {
        int n = NEXT.incrementAndGet();
        String id = what + n + "_" + db().kind().name().toLowerCase(java.util.Locale.ROOT);
        return new Names("sink." + id, "kv_" + id, "g." + id, "/" + id + "/");
    }

    Map<String, Object> settings(Names n) {
        Map<String, Object> m = new HashMap<>();
        m.put("kafka.bootstrap", KAFKA.bootstrapServers());
        m.put("kafka.topic", n.topic());
        m.put("sink.jdbc", db().jdbcUrl());
        if (!db().user().isEmpty()) {
            m.put("sink.user", db().user());
        }
        if (!db().password().isEmpty()) {
            m.put("sink.password", db().password());
        }
        m.put("sink.table", n.table());
        m.put("sink.group", n.group());
        m.put("sink.batch.max.records", 500);
        // Two writers where the database allows it (SQLite takes one), so that the parallel path is what these scenarios
        // prove; the single writer of the default is what the cli, cutover and fault-injection suites run.
        m.put("sink.writers", 2);
        m.put("kafka.session.timeout.ms", "6000");
        m.put("kafka.heartbeat.interval.ms", "1000");
        return m;
    }

    static FerryConfig config(Map<String, Object> settings) {
        return FerryConfig.fromMap(settings);
    }

    static JdbcSink startSink(FerryConfig config) {
        JdbcSink sink = JdbcSink.create(config, new SimpleMeterRegistry());
        sink.start();
        return sink;
    }

    void awaitWatermark(FerryConfig config, int partitions, long revision) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            SinkState s = SinkState.read(config);
            return s.watermarks().size() == partitions && s.minWatermark() >= revision;
        });
    }

    void assertExact(EtcdModel model, String table) throws Exception {
        assertEquals(model.expected(), SinkRows.read(db(), table), "rows in " + table + " differ from etcd's state");
    }

    /** A scenario's topic of {@code partitions} partitions (created here), its names, the etcd it models and its settings. */
    Scenario scenario(String what, int partitions, long startRevision) {
        return new Scenario(names(what), partitions, new EtcdModel(startRevision));
    }

    /** The prologue the scenarios share: what they write to, the state they must end in, and their sink's settings. */
    final class Scenario {
        final Names n;
        final int partitions;
        final EtcdModel model;
        final Map<String, Object> settings;
        private FerryConfig config;

        private Scenario(Names n, int partitions, EtcdModel model) {
            this.n = n;
            this.partitions = partitions;
            this.model = model;
            this.settings = settings(n);
            KAFKA.createTopic(n.topic(), partitions, Map.of());
        }

        /** Sets a sink setting; before {@link #config()} is first asked for. */
        Scenario with(String key, Object value) {
            if (config != null) {
                throw new IllegalStateException("the configuration is made already");
            }
            settings.put(key, value);
            return this;
        }

        /** The sink's configuration, made from the settings once. */
        FerryConfig config() {
            if (config == null) {
                config = AbstractSinkIT.config(settings);
            }
            return config;
        }

        /** A producer to the scenario's topic, as the watcher writes it. */
        TopicWriter writer() {
            return new TopicWriter(KAFKA.bootstrapServers(), n.topic(), partitions);
        }

        /** A sink on the scenario's configuration, started. */
        JdbcSink sink() {
            return startSink(config());
        }

        /** A workload of {@code keys} keys written through {@code w}, seeded and its snapshot under epoch 1 written. */
        Workload seeded(TopicWriter w, long seed, int keys) {
            Workload load = new Workload(model, w, seed, n.prefix(), keys);
            load.seed();
            load.snapshot(1);
            return load;
        }

        /** Waits until every partition's stored watermark has reached {@code revision}. */
        void awaitWatermark(long revision) {
            AbstractSinkIT.this.awaitWatermark(config(), partitions, revision);
        }

        /** The table holds exactly etcd's state. */
        void assertExact() throws Exception {
            AbstractSinkIT.this.assertExact(model, n.table());
        }
    }

    @Test
    void duplicatesReorderingAndLateSnapshotRowsLeaveExactlyEtcdsState() throws Exception {
        Scenario s = scenario("dup", 3, 100);
        try (TopicWriter w = s.writer(); JdbcSink sink = s.sink()) {
            Workload load = s.seeded(w, 42, 120);
            load.ops(1500, true);
            s.awaitWatermark(load.watermark());
            s.assertExact();
            assertTrue(SinkRows.count(db(), "SELECT COUNT(*) FROM ferry_tombstones") > 0, "deletes leave tombstones");

            // A full replay from offset 0 into the live table changes nothing that is current.
            Replay.fromBeginning(s.config());
            load.ops(50, true);
            s.awaitWatermark(load.watermark());
            s.assertExact();
        }
    }

    @Test
    void afterACutoverSwitchEtcdChangesAreRecordedAsLateWritesNotApplied() throws Exception {
        Scenario s = scenario("late", 2, 1);
        Names n = s.n;
        try (TopicWriter w = s.writer(); JdbcSink sink = s.sink()) {
            Workload load = s.seeded(w, 11, 40);
            load.ops(200, true);
            long f = load.watermark();
            s.awaitWatermark(f);
            Map<String, String> atF = s.model.expected();
            s.assertExact();

            // What ferry cutover's switch writes: from here on SQL is authoritative.
            execute("INSERT INTO ferry_cutover (id, topic, phase, r0, freeze_revision, started_at, frozen_at, switched_at,"
                    + " downtime_ms) VALUES (1, '" + n.topic() + "', 'SWITCHED', 1, " + f + ", 0, 0, 0, 0)");
            try {
                load.ops(150, true); // old writers still writing to etcd, with duplicates of older changes mixed in
                long after = load.watermark();
                s.awaitWatermark(after);
                assertEquals(atF, SinkRows.read(db(), n.table()), "no etcd change reaches SQL after the switch");
                String count = "SELECT COUNT(*) FROM ferry_late_writes WHERE topic = '" + n.topic() + "'";
                assertEquals(after - f, SinkRows.count(db(), count), "one late write per etcd revision after F");
                assertEquals(after, SinkRows.count(db(), "SELECT MAX(revision) FROM ferry_late_writes WHERE topic = '"
                        + n.topic() + "'"));

                // A replay from offset 0 records nothing twice and still applies nothing.
                Replay.fromBeginning(s.config());
                long end = load.watermark();
                s.awaitWatermark(end);
                assertEquals(after - f, SinkRows.count(db(), count));
                assertEquals(atF, SinkRows.read(db(), n.table()));

                // The rollback path's own changes (a put, a delete and its tombstone) are neither applied nor late.
                byte[] k = java.util.HexFormat.of().parseHex(atF.keySet().iterator().next()); // keys are hex there
                w.reversePut(new io.ferry.core.event.KeyValue(k, "from SQL".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        end + 1, end + 1, 1, 0));
                w.reverseDelete(k, end + 2);
                w.control(io.ferry.core.event.ControlRecord.Kind.WATERMARK, end + 2);
                w.commit();
                s.awaitWatermark(end + 2);
                assertEquals(after - f, SinkRows.count(db(), count), "no reverse change is a late write");
                assertEquals(atF, SinkRows.read(db(), n.table()), "nor is it applied");
            } finally {
                execute("DELETE FROM ferry_cutover WHERE topic = '" + n.topic() + "'");
            }
        }
    }

    @Test
    void replayIntoAnEmptyDatabaseRebuildsIt() throws Exception {
        Scenario s = scenario("rebuild", 2, 1);
        Names n = s.n;
        try (TopicWriter w = s.writer()) {
            Workload load = s.seeded(w, 7, 60);
            load.ops(400, true);
            long wm = load.watermark();
            try (JdbcSink sink = s.sink()) {
                s.awaitWatermark(wm);
            }
            // An empty database: the rows, tombstones and offsets are gone; only the topic is left.
            execute("DELETE FROM " + n.table());
            execute("DELETE FROM ferry_tombstones");
            execute("DELETE FROM ferry_offsets WHERE topic = '" + n.topic() + "'");
            assertEquals(0, SinkRows.read(db(), n.table()).size());
            Map<Integer, Long> written = Replay.fromBeginning(s.config());
            assertEquals(Map.of(0, -1L, 1, -1L), written);
            try (JdbcSink sink = s.sink()) {
                s.awaitWatermark(wm);
                s.assertExact();
            }
        }
    }

    @Test
    void snapshotEndSweepsKeysDeletedWhileNoWatchCouldSeeIt() throws Exception {
        Scenario s = scenario("sweep", 3, 10);
        EtcdModel model = s.model;
        try (TopicWriter w = s.writer(); JdbcSink sink = s.sink()) {
            Workload load = s.seeded(w, 3, 90);
            load.ops(300, false);
            s.awaitWatermark(load.watermark());
            // Compaction gap: etcd changes that no watch event reports, then a re-snapshot under epoch 2.
            int gone = 0;
            for (var kv : java.util.List.copyOf(model.all())) {
                if (gone < 15) {
                    model.delete(kv.key());
                    gone++;
                }
            }
            Workload hidden = new Workload(model, null, 4, s.n.prefix(), 90);
            hidden.ops(40, false);
            load.snapshot(2);
            load.ops(50, false);
            s.awaitWatermark(load.watermark());
            s.assertExact();
        }
    }

    @Test
    void bulkWritesOfSeveralChunksKeepTheRevisionGuardAndTombstones() throws Exception {
        new BulkWriteCheck(db(), names("bulk").table()).run();
    }

    @Test
    void badRecordHaltsItsPartitionAndTheOthersGoOn() throws Exception {
        Scenario s = scenario("bad", 2, 1);
        EtcdModel model = s.model;
        FerryConfig config = s.config();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TopicWriter w = s.writer(); JdbcSink sink = JdbcSink.create(config, registry)) {
            sink.start();
            Workload load = s.seeded(w, 11, 40);
            long before = load.watermark();
            s.awaitWatermark(before);
            w.raw(0, "garbage".getBytes(), "{not json".getBytes(), model.revision());
            w.commit();
            load.ops(200, false);
            long after = load.watermark();
            await().atMost(WAIT).until(() -> SinkState.read(config).watermarks().get(1) >= after);
            assertEquals(before, SinkState.read(config).watermarks().get(0), "the halted partition does not move on");
            // Partition 1 holds exactly etcd's state for its keys; partition 0 stopped at the bad record.
            Map<String, String> rows = SinkRows.read(db(), s.n.table());
            Map<String, String> expected = model.expected();
            Map<String, String> rowsP1 = new java.util.TreeMap<>();
            Map<String, String> expectedP1 = new java.util.TreeMap<>();
            rows.forEach((k, v) -> {
                if (partitionOfHex(k, 2) == 1) {
                    rowsP1.put(k, v);
                }
            });
            expected.forEach((k, v) -> {
                if (partitionOfHex(k, 2) == 1) {
                    expectedP1.put(k, v);
                }
            });
            assertEquals(expectedP1, rowsP1);
            await().atMost(WAIT).until(() -> registry.get("ferry.sink.records").tag("result", "failed").counter().count() == 1.0);
            assertEquals(JdbcSink.State.RUNNING, sink.state());
        }
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicWhenConfigured() throws Exception {
        Scenario s = scenario("dlq", 2, 1);
        Names n = s.n;
        EtcdModel model = s.model;
        KAFKA.createTopic(n.topic() + ".dlq", 1, Map.of());
        s.with("sink.dlq.topic", n.topic() + ".dlq").with("sink.value.max.bytes", 4096);
        try (TopicWriter w = s.writer(); JdbcSink sink = s.sink()) {
            Workload load = s.seeded(w, 13, 40);
            w.raw(1, "garbage".getBytes(), "{not json".getBytes(), model.revision());
            var big = model.put((n.prefix() + "big").getBytes(), new byte[5000]);
            w.put(big);
            w.commit();
            model.delete(big.key()); // the oversized value never reaches SQL; expect it absent
            load.ops(100, false);
            s.awaitWatermark(load.watermark());
            s.assertExact();
            var letters = DeadLetterReader.read(KAFKA.bootstrapServers(), n.topic() + ".dlq", 2);
            assertEquals(2, letters.size());
            assertTrue(letters.stream().anyMatch(r -> r.contains("undecodable envelope")), letters.toString());
            assertTrue(letters.stream().anyMatch(r -> r.contains("over sink.value.max.bytes")), letters.toString());
        }
    }

    /**
     * Records that Ferry did not write pin rows: a put at revision 999999 makes every later real put
     * of its key stale, a delete at 999998 leaves a tombstone that refuses every later put, and a put
     * at a plausible revision (45) is above etcd's state of its key. A repair record re-emitting etcd's
     * state used to change none of them. Now it removes SQL's row or tombstone at a revision etcd never
     * gave the key (between etcd's state and the revision the repair read etcd at, or exactly the one the
     * repair says it replaces) and nothing else.
     */
    @Test
    void repairUndoesRowsAndTombstonesPinnedAtRevisionsEtcdNeverHad() throws Exception {
        Scenario s = scenario("pin", 1, 1); // one partition: a sentinel applied means all before it is
        Names n = s.n;
        byte[] pinned = (n.prefix() + "pinned").getBytes();
        byte[] aboveEtcd = (n.prefix() + "above").getBytes();
        byte[] buried = (n.prefix() + "buried").getBytes();
        byte[] invented = (n.prefix() + "invented").getBytes();
        byte[] wrongGuess = (n.prefix() + "wrong-guess").getBytes();
        try (TopicWriter w = s.writer(); JdbcSink sink = s.sink()) {
            w.put(kv(pinned, "real-10", 10));
            w.put(kv(aboveEtcd, "real-11", 11));
            w.put(kv(buried, "real-12", 12));
            w.put(kv(wrongGuess, "real-13", 13));
            w.commit();
            // What a producer without Ferry's key wrote (signing is off here):
            w.put(kv(pinned, "forged", 999999));
            w.put(kv(aboveEtcd, "forged", 45));
            w.delete(buried, 999998);
            w.put(kv(invented, "forged", 999997));
            w.put(kv(wrongGuess, "forged", 999990));
            w.commit();
            w.put(kv(pinned, "real-20", 20)); // stale against the pin
            w.put(kv("sentinel-1".getBytes(), "x", 21));
            w.commit();
            awaitRow(n.table(), "sentinel-1");
            assertEquals(999999, revisionOf(n.table(), pinned), "the pin holds before the repair");

            // etcd read at 50: pinned at 20, above at 11, buried at 12, invented absent, wrong-guess at 13.
            w.repair(kv(pinned, "real-20", 20), 50, 999999);
            w.repair(kv(aboveEtcd, "real-11", 11), 50, 0); // 45 lies between etcd's 11 and the read at 50
            w.repair(kv(buried, "real-12", 12), 50, 999998);
            w.repairDelete(invented, 50, 999997);
            w.repair(kv(wrongGuess, "real-13", 13), 50, 999991); // not what SQL holds: must change nothing
            w.put(kv("sentinel-2".getBytes(), "x", 51));
            w.commit();
            awaitRow(n.table(), "sentinel-2");
            w.put(kv(pinned, "real-60", 60)); // a real change after the repair applies again
            w.put(kv("sentinel-3".getBytes(), "x", 61));
            w.commit();
            awaitRow(n.table(), "sentinel-3");

            Map<String, String> rows = SinkRows.read(db(), n.table());
            assertEquals(SinkRows.describe("real-60".getBytes(), 60, 60, 1, 0), rows.get(hex(pinned)));
            assertEquals(SinkRows.describe("real-11".getBytes(), 11, 11, 1, 0), rows.get(hex(aboveEtcd)));
            assertEquals(SinkRows.describe("real-12".getBytes(), 12, 12, 1, 0), rows.get(hex(buried)));
            assertFalse(rows.containsKey(hex(invented)), rows.toString());
            assertEquals(SinkRows.describe("forged".getBytes(), 999990, 999990, 1, 0), rows.get(hex(wrongGuess)),
                    "a repair that names another revision than SQL's removes nothing");
            Map<String, Long> tombstones = SinkRows.tombstones(db());
            assertFalse(tombstones.containsKey(hex(buried)), tombstones.toString());
            assertEquals(50, tombstones.get(hex(invented)));
        }
    }

    private static io.ferry.core.event.KeyValue kv(byte[] key, String value, long revision) {
        return new io.ferry.core.event.KeyValue(key, value.getBytes(), revision, revision, 1, 0);
    }

    private static String hex(byte[] key) {
        return java.util.HexFormat.of().formatHex(key);
    }

    private void awaitRow(String table, String key) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> SinkRows.read(db(), table).containsKey(hex(key.getBytes())));
    }

    private long revisionOf(String table, byte[] key) throws Exception {
        String row = SinkRows.read(db(), table).get(hex(key));
        return Long.parseLong(row.replaceAll(".* mod=(\\d+) .*", "$1"));
    }

    @Test
    void killMinus9MidBatchThenRestartAgreesAndEndsExact() throws Exception {
        Scenario s = scenario("kill", 3, 1).with("sink.batch.max.records", 100);
        FerryConfig config = s.config();
        long wm;
        try (TopicWriter w = s.writer()) {
            Workload load = s.seeded(w, 17, 500);
            load.ops(20000, false);
            wm = load.watermark();
        }
        Process child = SinkChild.launch(s.settings, s.n.table());
        try {
            await().atMost(WAIT).until(() -> SinkState.read(config).offsets().values().stream().mapToLong(Long::longValue)
                    .sum() > 3000);
        } finally {
            child.destroyForcibly().waitFor();
        }
        SinkState killed = SinkState.read(config);
        assertTrue(killed.minWatermark() < wm, "killed before the end: " + killed);
        Agreement.assertRowsAgreeWithWatermarks(s.model, SinkRows.read(db(), s.n.table()), SinkRows.tombstones(db()),
                killed.watermarks(), 3);
        try (JdbcSink sink = s.sink()) {
            s.awaitWatermark(wm);
            s.assertExact();
        }
    }

    @Test
    void twoSinksInOneGroupWithOneKilledStillEndExact() throws Exception {
        Scenario s = scenario("pair", 4, 1).with("sink.batch.max.records", 100);
        FerryConfig config = s.config();
        long wm;
        try (TopicWriter w = s.writer()) {
            Workload load = s.seeded(w, 19, 400);
            load.ops(15000, true);
            wm = load.watermark();
        }
        Process child = SinkChild.launch(s.settings, s.n.table());
        try (JdbcSink sink = s.sink()) {
            await().atMost(WAIT).until(() -> SinkState.read(config).offsets().values().stream().mapToLong(Long::longValue)
                    .sum() > 2000);
            child.destroyForcibly().waitFor();
            s.awaitWatermark(wm);
            s.assertExact();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void mappedTableHoldsJsonValuesInTypedQueryableColumns() throws Exception {
        Scenario s = scenario("map", 2, 1);
        Names n = s.n;
        EtcdModel model = s.model;
        KAFKA.createTopic(n.topic() + ".dlq", 1, Map.of());
        String mapped = "actual_" + n.table();
        String prefix = n.prefix() + "actual/";
        s.with("sink.dlq.topic", n.topic() + ".dlq");
        s.with("sink.mappings", java.util.List.of(Map.of("prefix", prefix, "table", mapped, "json", true,
                "columns", Map.of(
                        "process_guid", Map.of("from", "key:3", "type", "text"),
                        "instance_index", Map.of("from", "key:4", "type", "bigint"),
                        "cell_id", Map.of("from", "/cell_id", "type", "text"),
                        "state", Map.of("from", "/state", "type", "text"),
                        "since", Map.of("from", "/since", "type", "bigint")))));
        java.util.Random random = new java.util.Random(5);
        try (TopicWriter w = s.writer(); JdbcSink sink = s.sink()) {
            for (int i = 0; i < 600; i++) {
                String key = prefix + "guid-" + random.nextInt(20) + "/" + random.nextInt(3) + "/instance";
                if (model.exists(key.getBytes()) && random.nextInt(5) == 0) {
                    w.delete(key.getBytes(), model.delete(key.getBytes()));
                } else {
                    String state = random.nextBoolean() ? "RUNNING" : "CLAIMED";
                    w.put(model.put(key.getBytes(), ("{\"cell_id\": \"cell-" + random.nextInt(4) + "\", \"state\": \""
                            + state + "\", \"since\": " + (1000 + i) + "}").getBytes()));
                }
            }
            // Not JSON under a mapped prefix: nothing dropped, the raw bytes in the generic table, no mapped row, the
            // failure in ferry_decode_failures with its reason.
            byte[] bad = (prefix + "guid-x/0/instance").getBytes();
            w.put(model.put(bad, new byte[] {0x08, 0x01, (byte) 0xFF}));
            w.commit();
            w.control(io.ferry.core.event.ControlRecord.Kind.WATERMARK, model.revision());
            w.commit();
            s.awaitWatermark(model.revision());
            s.assertExact();
            java.util.Set<String> expected = new java.util.TreeSet<>();
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            for (var kv : model.all()) {
                if (java.util.Arrays.equals(kv.key(), bad)) {
                    continue;
                }
                String[] seg = new String(kv.key()).split("/");
                var v = json.readTree(kv.value());
                if (v.get("state").asText().equals("RUNNING")) {
                    expected.add(seg[3] + "|" + Long.parseLong(seg[4]) + "|" + v.get("cell_id").asText() + "|"
                            + v.get("since").asLong());
                }
            }
            java.util.Set<String> running = new java.util.TreeSet<>();
            try (Connection c = db().connect(); var st = c.createStatement(); var rs = st.executeQuery(
                    "SELECT process_guid, instance_index, cell_id, since FROM " + mapped + " WHERE state = 'RUNNING'")) {
                while (rs.next()) {
                    running.add(rs.getString(1) + "|" + rs.getLong(2) + "|" + rs.getString(3) + "|" + rs.getLong(4));
                }
            }
            assertEquals(expected, running);
            assertEquals(model.all().size() - 1, SinkRows.count(db(), "SELECT COUNT(*) FROM " + mapped));
            if (db().kind() == SqlDatabase.Kind.POSTGRES) {
                assertEquals(expected.size(), SinkRows.count(db(), "SELECT COUNT(*) FROM " + mapped
                        + " WHERE doc->>'state' = 'RUNNING'"), "the value is queryable as jsonb");
            }
            assertEquals(1, SinkRows.count(db(), "SELECT COUNT(*) FROM ferry_decode_failures WHERE table_name = '" + mapped
                    + "' AND category = 'undecodable'"), "the value that did not decode is listed");
        }
    }

    /** Mapped rows of new keys by the dialect's bulk load (COPY on PostgreSQL) read as upserted ones; see {@link MappedBulkCheck}. */
    @Test
    void mappedRowsOfNewKeysBulkLoadedReadAsUpsertedOnes() throws Exception {
        new MappedBulkCheck(db(), "mbulk_" + Long.toHexString(System.nanoTime())).run();
    }

    /** Kubernetes, Diego BBS, protobuf and CBOR values into typed mapped tables; see {@link DecodedMappingCheck}. */
    @Test
    void mappedTablesDecodeKubernetesDiegoProtobufAndCborValuesIntoTypedColumns(@TempDir java.nio.file.Path dir)
            throws Exception {
        new DecodedMappingCheck(this, dir).run();
    }

    /** The database restarts while the sink applies a large backlog; nothing is lost or applied twice. */
    void databaseRestartUnderLoadLosesNothing() throws Exception {
        Scenario s = scenario("restart", 3, 1).with("sink.batch.max.records", 100).with("sink.retry.max.attempts", 30);
        FerryConfig config = s.config();
        try (TopicWriter w = s.writer()) {
            Workload load = s.seeded(w, 23, 300);
            load.ops(15000, true);
            long wm = load.watermark();
            try (JdbcSink sink = s.sink()) {
                await().atMost(WAIT).until(() -> SinkState.read(config).offsets().values().stream()
                        .mapToLong(Long::longValue).sum() > 1000);
                db().restart();
                s.awaitWatermark(wm);
                s.assertExact();
                assertEquals(JdbcSink.State.RUNNING, sink.state());
            }
        }
    }

    /**
     * A sink started while its database turns every connection away (a restart, a failover, a
     * host booting both at once) waits for it instead of exiting, then starts and applies.
     */
    void aSinkStartedWhileItsDatabaseIsDownWaitsForIt() throws Exception {
        Scenario s = scenario("waits", 2, 1);
        try (TcpProxy proxy = TcpProxy.to("db", db().jdbcUrl()); TopicWriter w = s.writer()) {
            proxy.refuse(true);
            s.with("sink.jdbc", proxy.through(db().jdbcUrl()));
            CompletableFuture<JdbcSink> starting = CompletableFuture.supplyAsync(s::sink);
            // Not a wait for a condition: time passes to show that nothing happens, the sink neither starts nor gives up.
            Thread.sleep(4000);
            assertFalse(starting.isDone(), "the sink should still be waiting for its database");
            assertTrue(proxy.refused() >= 2, "the sink tried its database and tried again: " + proxy.refused());
            proxy.refuse(false);
            try (JdbcSink sink = starting.get(2, TimeUnit.MINUTES)) {
                Workload load = s.seeded(w, 5, 50);
                load.ops(200, true);
                s.awaitWatermark(load.watermark());
                s.assertExact();
                assertEquals(JdbcSink.State.RUNNING, sink.state());
            }
        }
    }

    /** What is not transient (here: no such database) fails the start at once, naming the URL. */
    void aSinkPointedAtAMissingDatabaseFailsAtOnce() {
        Map<String, Object> settings = settings(names("nodb"));
        String url = db().jdbcUrl().replaceFirst("/(\\w+)(\\?|$)", "/ferry_no_such_database$2");
        settings.put("sink.jdbc", url);
        FerryConfig config = config(settings);
        long started = System.nanoTime();
        SinkException e = assertThrows(SinkException.class, () -> startSink(config));
        assertTrue(e.getMessage().contains("ferry_no_such_database") && e.getMessage().contains("not a transient error"),
                e.getMessage());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15), "a non-transient error must not be retried");
    }

    static int partitionOfHex(String hexKey, int partitions) {
        return Sweeper.partitionOf(java.util.HexFormat.of().parseHex(hexKey), partitions);
    }

    void execute(String sql) throws Exception {
        try (Connection c = db().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }
}
