package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.ferry.testkit.Await;
import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollback path end to end, on real etcd, Kafka and a real database with {@code ferry run}
 * (watcher, sink and reverse writer) as operators run it: cut over; an old writer writes etcd once
 * (a late write); applications update, insert and delete through SQL while {@code ferry run} is
 * killed with -9 in the middle of the reverse stream and started again; roll back. Only the old
 * writer's put counts as a late write. etcd must then hold exactly SQL's state, each key changed
 * once in SQL changed exactly once in etcd (its etcd version says so: nothing doubled), the
 * reconciler must be clean, forward replication must resume, and no replication slot may be left.
 */
@Timeout(600)
abstract class AbstractRollbackIT {

    private static final String PREFIX = "/rb/";
    private static final int KEYS = 600;

    @TempDir
    Path dir;

    private FerryRun ferry;

    /** The database, and how Ferry reaches it. */
    abstract TargetDatabase db();

    /** Runs {@code ferry reconcile} as this class's reconciling user would; by default with the sink's configuration. */
    Cli.Result reconcile(FerryRun ferry) throws Exception {
        return ferry.command("reconcile");
    }

    /** A client of the etcd Ferry replicates. */
    abstract Client etcd();

    /** Its client URLs, for Ferry's configuration. */
    abstract String etcdEndpoints();

    abstract String kafkaBootstrap();

    /** The slot of this class's run; slot names are global to a PostgreSQL server. */
    abstract String slot();

    @AfterEach
    void stop() {
        if (ferry != null) {
            ferry.close();
        }
    }

    @Test
    void roundTripThroughSqlWithACrashMidStreamThenRollBack() throws Exception {
        KV kv = etcd().getKVClient();
        load(kv);
        ferry = FerryRun.configure(dir, etcdEndpoints(), kafkaBootstrap(), db(), PREFIX, "rb." + slot(), "reverse.slot.name: " + slot(),
                "cutover.timeout.ms: 120000").start();
        ferry.awaitSinkAt(kv.get(bytes(PREFIX)).get().getHeader().getRevision(), Duration.ofSeconds(300));

        Cli.Result cut = ferry.command("cutover", "--freeze", "external");
        assertEquals(0, cut.exit(), () -> cut + "\nferry run's log:\n" + Cli.tail(dir));
        assertTrue(cut.out().contains("open the rollback path"), cut.out());
        assertTrue(cut.out().contains("prove the rollback path: the probe reaches etcd through the reverse writer ... ok"),
                cut.out());
        System.out.printf("cutover on %s: %s%n", db().kind(), cut.out());
        assertEquals("switched", ferry.status().get("cutover").get("phase").asText());
        assertTrue(versionKey(kv).contains("\"authoritative\":\"sql\""), versionKey(kv));

        // An old writer that missed the switch writes etcd: a genuine late write, which SQL's later update supersedes.
        long late = kv.put(bytes(key(0)), bytes("old writer")).get().getHeader().getRevision();
        ferry.awaitSinkAt(late, Duration.ofSeconds(120));
        Map<String, Long> versionsAtSwitch = versions(kv);

        // Applications now write SQL: one update per key for a third of the keys, inserts, deletes. Meanwhile ferry run
        // (and with it the reverse writer) is killed mid-stream and started again.
        AtomicInteger sqlProgress = new AtomicInteger();
        CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> writeThroughSql(sqlProgress));
        awaitReverseApplied(1);
        ferry.kill();
        // The restarted reverse writer must find changes it has not seen: applications write on while it is down.
        int atKill = sqlProgress.get();
        Await.until("SQL writes while ferry run is down", Duration.ofSeconds(60), Duration.ofMillis(20), sqlProgress::get,
                n -> n >= Math.min(KEYS, atKill + 20) || writes.isDone());
        ferry.start();
        writes.get(300, TimeUnit.SECONDS);
        awaitReverseApplied(KEYS / 3 + 60 + 40);
        JsonNode status = ferry.status().get("cutover");
        assertEquals("running", status.get("reverse").get("state").asText(), status.toString());
        assertSlotRetentionShown(status.get("reverse"));
        ferry.awaitSinkAt(kv.get(bytes(PREFIX)).get().getHeader().getRevision(), Duration.ofSeconds(120));
        assertEquals(1, ferry.status().get("cutover").get("late_writes").asLong(),
                "the old writer's put is a late write; the reverse writer's 300 changes are not");

        // A rollback killed after it flipped etcd's version key: --abort puts SQL back in charge, and the reverse
        // writer, fenced by the flip, resumes (the real rollback below needs it for its fence).
        try (Connection c = db().connect()) {
            c.createStatement().executeUpdate("UPDATE ferry_cutover SET phase = 'ROLLING_BACK'");
        }
        kv.put(bytes(PREFIX + "ferry.cutover.migrated"), bytes("{\"migrated\":false,\"authoritative\":\"etcd\"}")).get();
        Cli.Result aborted = ferry.command("rollback", "--abort");
        assertEquals(0, aborted.exit(), aborted.toString());
        assertEquals("switched", ferry.status().get("cutover").get("phase").asText());
        assertTrue(versionKey(kv).contains("\"authoritative\":\"sql\""), versionKey(kv));

        Cli.Result back = ferry.command("rollback", "--freeze", "external");
        assertEquals(0, back.exit(), back.toString());
        Matcher m = Pattern.compile("RB=(\\d+); .*Downtime \\(freeze to record\\): (\\d+) ms").matcher(back.out());
        assertTrue(m.find(), back.out());
        System.out.printf("rollback on %s: %s%n", db().kind(), back.out());

        // etcd holds exactly SQL's state, and every key changed once in SQL changed once in etcd.
        Map<String, String> sql = sqlState();
        Map<String, String> etcd = etcdState(kv);
        assertEquals(sql, etcd, "etcd equals SQL after the rollback");
        Map<String, Long> versions = versions(kv);
        for (int i = 0; i < KEYS; i++) {
            String key = key(i);
            if (i % 3 == 0) {
                assertEquals(versionsAtSwitch.get(key) + 1, versions.get(key), key + " was updated once in SQL, so once in etcd");
            } else if (i % 10 == 1) {
                assertFalse(etcd.containsKey(key), key + " was deleted in SQL");
            } else {
                assertEquals(versionsAtSwitch.get(key), versions.get(key), key + " was not touched");
            }
        }
        for (int i = 0; i < 60; i++) {
            assertEquals(1L, versions.get(PREFIX + "new-" + i), "an insert is one etcd put");
        }
        JsonNode cutover = ferry.status().get("cutover");
        assertEquals("rolled_back", cutover.get("phase").asText(), cutover.toString());
        assertEquals("etcd", cutover.get("authoritative").asText());
        assertTrue(versionKey(kv).contains("\"authoritative\":\"etcd\""), "etcd records it too: " + versionKey(kv));
        assertEquals(Long.parseLong(m.group(2)), cutover.get("rollback_downtime_ms").asLong(), "the printed downtime is stored");
        Cli.Result reconcile = reconcile(ferry);
        assertEquals(0, reconcile.exit(), "the reconciler is clean after the rollback: " + reconcile);
        assertFalse(slotExists(), "the rollback released the replication slot");

        // Forward replication resumes: etcd is authoritative and its changes reach SQL again.
        long rev = kv.put(bytes(PREFIX + "after-rollback"), bytes("forward again")).get().getHeader().getRevision();
        ferry.awaitSinkAt(rev, Duration.ofSeconds(120));
        assertEquals("forward again", sqlState().get(PREFIX + "after-rollback"));
    }

    /** What applications do after the switch: one statement per change, autocommit, revision columns left to Ferry. */
    private void writeThroughSql(AtomicInteger progress) {
        try (Connection c = db().connect();
             PreparedStatement update = c.prepareStatement("UPDATE etcd_kv SET " + q("value") + " = ? WHERE " + q("key") + " = ?");
             PreparedStatement insert = c.prepareStatement("INSERT INTO etcd_kv (" + q("key") + ", " + q("value") + ", "
                     + q("create_revision") + ", " + q("mod_revision") + ", " + q("version") + ", " + q("lease")
                     + ") VALUES (?, ?, 0, 0, 0, 0)");
             PreparedStatement delete = c.prepareStatement("DELETE FROM etcd_kv WHERE " + q("key") + " = ?")) {
            for (int i = 0; i < KEYS; i++) {
                if (i % 3 == 0) {
                    update.setBytes(1, ("{\"changed_in_sql\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                    update.setBytes(2, key(i).getBytes(StandardCharsets.UTF_8));
                    assertEquals(1, update.executeUpdate());
                } else if (i % 10 == 1) {
                    delete.setBytes(1, key(i).getBytes(StandardCharsets.UTF_8));
                    assertEquals(1, delete.executeUpdate());
                }
                if (i < 60) {
                    insert.setBytes(1, (PREFIX + "new-" + i).getBytes(StandardCharsets.UTF_8));
                    insert.setBytes(2, ("inserted " + i).getBytes(StandardCharsets.UTF_8));
                    insert.executeUpdate();
                }
                progress.incrementAndGet(); // keys gone through, a third of them updated
                Thread.sleep(5); // not a wait: spreads the writes over a few seconds, so that the kill lands mid-stream
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the reverse writer's position in etcd directly: a ferry status per poll would cost a JVM start. */
    private void awaitReverseApplied(long atLeast) {
        KV kv = etcd().getKVClient();
        Await.until("reverse replication to apply " + atLeast + " changes", Duration.ofSeconds(180), Duration.ofMillis(100), () -> {
            List<KeyValue> kvs = kv.get(bytes(PREFIX + "ferry.reverse.position")).get(30, TimeUnit.SECONDS).getKvs();
            return kvs.isEmpty() ? null : new ObjectMapper().readTree(kvs.get(0).getValue().getBytes());
        }, position -> position != null && position.get("applied").asLong() >= atLeast, () -> "\n" + Cli.tail(dir));
    }

    private Map<String, String> sqlState() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = db().connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT " + q("key") + ", " + q("value") + " FROM etcd_kv")) {
            while (rs.next()) {
                String k = new String(rs.getBytes(1), StandardCharsets.UTF_8);
                if (!k.startsWith(PREFIX + "ferry.")) {
                    out.put(k, new String(rs.getBytes(2), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static Map<String, String> etcdState(KV kv) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (KeyValue e : all(kv)) {
            String k = e.getKey().toString(StandardCharsets.UTF_8);
            if (!k.startsWith(PREFIX + "ferry.")) {
                out.put(k, e.getValue().toString(StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Map<String, Long> versions(KV kv) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        for (KeyValue e : all(kv)) {
            out.put(e.getKey().toString(StandardCharsets.UTF_8), e.getVersion());
        }
        return out;
    }

    private static List<KeyValue> all(KV kv) throws Exception {
        return kv.get(bytes(PREFIX), GetOption.builder().isPrefix(true).build()).get(30, TimeUnit.SECONDS).getKvs();
    }

    private static String versionKey(KV kv) throws Exception {
        return kv.get(bytes(PREFIX + "ferry.cutover.migrated")).get(30, TimeUnit.SECONDS).getKvs().get(0).getValue()
                .toString(StandardCharsets.UTF_8);
    }

    private boolean slotExists() throws Exception {
        if (db().kind() != SqlDatabase.Kind.POSTGRES) {
            return false;
        }
        try (Connection c = db().connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT COUNT(*) FROM pg_replication_slots WHERE slot_name = '" + slot() + "'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private String q(String column) {
        return db().kind() == SqlDatabase.Kind.POSTGRES ? '"' + column + '"' : '`' + column + '`';
    }

    private static void load(KV kv) throws Exception {
        for (int i = 0; i < KEYS; i += 100) {
            List<Op> ops = new ArrayList<>();
            for (int j = i; j < Math.min(KEYS, i + 100); j++) {
                ops.add(Op.put(bytes(key(j)), bytes("{\"index\":" + j + "}"), PutOption.DEFAULT));
            }
            kv.txn().Then(ops.toArray(new Op[0])).commit().get(30, TimeUnit.SECONDS);
        }
        for (int i = 0; i < KEYS; i += 3) {
            kv.put(bytes(key(i)), bytes("{\"index\":" + i + ",\"v\":2}")).get(30, TimeUnit.SECONDS); // some keys at version 2
        }
    }

    private static String key(int i) {
        return String.format("%skey-%04d", PREFIX, i);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** PostgreSQL's slot keeps WAL and status says how much; MySQL and MariaDB have no slot and status names none. */
    private void assertSlotRetentionShown(JsonNode reverse) {
        if (db().kind() == SqlDatabase.Kind.POSTGRES) {
            JsonNode bytes = reverse.get("slot_retained_wal_bytes");
            assertTrue(bytes != null && bytes.isNumber() && bytes.asLong() >= 0, reverse.toString());
        } else {
            assertFalse(reverse.has("slot_retained_wal_bytes"), reverse.toString());
        }
    }

}
