package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.ferry.state.StateTables;
import io.ferry.testkit.Await;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry cutover} end to end on real etcd, Kafka and PostgreSQL with {@code ferry run}
 * replicating: an abort that leaves etcd authoritative, then a cutover with a writer running
 * until the freeze, its downtime printed and stored, a late write after F reported, and
 * {@code ferry finish} ending the bake period without leaving a replication slot behind. And a
 * cutover in a database that also holds another topic's offsets.
 */
@Timeout(900)
class CutoverIT {

    /**
     * 20k keys keep the suite within its time budget; the downtime does not depend on the key
     * count (the frozen verification only looks at the last online round's changes), and
     * -Dcutover.keys=100000 runs the figure.
     */
    private static final int KEYS = Integer.getInteger("cutover.keys", 20_000);
    private static final String PREFIX = "/cut/";

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final SqlDatabase PG = SqlDatabase.postgres();

    @TempDir
    Path dir;

    private FerryRun ferry;

    @AfterEach
    void stop() throws Exception {
        if (ferry != null) {
            ferry.close();
        }
    }

    @Test
    void abortThenCutoverWithWriterRunningThenLateWrite() throws Exception {
        KV kv = ETCD.client().getKVClient();
        load(kv);
        ferry = FerryRun.configure(dir, ETCD, KAFKA, PG, PREFIX, "cut.changes", "cutover.timeout.ms: 120000").start();
        ferry.awaitSinkAt(kv.get(bytes(PREFIX)).get().getHeader().getRevision(), Duration.ofSeconds(600));

        // 1. Damage SQL: the online pre-verification finds it, and the cutover aborts without freezing for good.
        ferry.damage("UPDATE etcd_kv SET \"value\" = ? WHERE \"key\" = ?", "damaged", PREFIX + "key-000042");
        Cli.Result aborted = ferry.command("cutover");
        assertEquals(2, aborted.exit(), aborted.toString());
        assertTrue(aborted.err().contains("cutover aborted, etcd stays authoritative"), aborted.err());
        assertEquals(0, kv.get(bytes(PREFIX + "ferry.cutover.freeze")).get().getCount(), "the freeze marker is gone");
        assertEquals("aborted", ferry.status().get("cutover").get("phase").asText());

        Cli.Result repair = ferry.command("reconcile", "--repair");
        assertEquals(1, repair.exit(), repair.toString());
        ferry.awaitClean(Duration.ofSeconds(120));

        // 2. A cooperative writer keeps writing until it sees the freeze marker; then the cutover completes.
        AtomicLong written = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeUntilFrozen(kv, written));
        Await.until("the writer to be writing", Duration.ofSeconds(60), Duration.ofMillis(20), written::get,
                n -> n >= 200 || writer.isDone());
        Cli.Result cut = ferry.command("cutover");
        writer.get(60, TimeUnit.SECONDS);
        assertEquals(0, cut.exit(), cut.toString());
        assertTrue(written.get() > 0, "the writer was writing when the freeze came");
        Matcher m = Pattern.compile("F=(\\d+)\\. Downtime \\(freeze to switch\\): (\\d+) ms").matcher(cut.out());
        assertTrue(m.find(), cut.out());
        long f = Long.parseLong(m.group(1));
        long downtime = Long.parseLong(m.group(2));
        // Timing is reported, not asserted: shared machines are noisy (the bench module compares sizes).
        System.out.printf("cutover at %d keys: downtime %d ms, writer wrote %d updates before the freeze%n%s%n", KEYS, downtime,
                written.get(), cut.out());
        JsonNode cutover = ferry.status().get("cutover");
        assertEquals("switched", cutover.get("phase").asText());
        assertEquals(f, cutover.get("freeze_revision").asLong());
        assertEquals(downtime, cutover.get("downtime_ms").asLong(), "the printed downtime is the stored one");

        // 3. An old writer that ignored the freeze writes after F: reported as a late write, Ferry's own keys are not.
        long late = kv.put(bytes(PREFIX + "written-after-cutover"), bytes("lost?")).get().getHeader().getRevision();
        Cli.Result lateReport = ferry.command("reconcile", "--since", Long.toString(f), "--json", dir.resolve("late.json").toString());
        assertEquals(1, lateReport.exit(), lateReport.toString());
        JsonNode lateWrites = new ObjectMapper().readTree(dir.resolve("late.json").toFile()).get("late_writes");
        assertEquals(1, lateWrites.size(), lateWrites.toString());
        assertEquals(PREFIX + "written-after-cutover", lateWrites.get(0).get("key").get("utf8").asText());
        assertEquals(late, lateWrites.get(0).get("revision").asLong());
        // The report is a record of the switch, and after it suggests no repair from etcd.
        JsonNode audit = new ObjectMapper().readTree(dir.resolve("late.json").toFile());
        assertEquals("switched", audit.get("cutover").get("phase").asText(), audit.toString());
        assertEquals(f, audit.get("cutover").get("freeze_revision").asLong());
        assertEquals(downtime, audit.get("cutover").get("downtime_ms").asLong());
        assertTrue(audit.get("etcd_cluster_id").asText().matches("[0-9a-f]+"), audit.toString());
        assertTrue(audit.get("database").asText().startsWith("postgres://127.0.0.1:5432/"), audit.toString());
        assertTrue(lateReport.out().contains("SQL is authoritative since the cutover") && !lateReport.out().contains("--repair"),
                lateReport.out());

        // The sink, still running, records the late write in SQL instead of applying it over the authoritative data.
        ferry.awaitSinkAt(late, Duration.ofSeconds(120));
        assertEquals(1, ferry.status().get("cutover").get("late_writes").asLong(), "ferry_late_writes holds the late write");
        try (var c = PG.connect(); var rows = c.createStatement().executeQuery(
                "SELECT COUNT(*) FROM etcd_kv WHERE \"key\" = '" + PREFIX + "written-after-cutover'::bytea")) {
            assertTrue(rows.next());
            assertEquals(0, rows.getLong(1), "the late write was not applied to SQL");
        }
        Cli.Result refused = ferry.command("reconcile", "--repair");
        assertEquals(2, refused.exit(), "repairing from etcd after the switch would overwrite SQL: " + refused);

        // 4. The switch opened the rollback path; ferry finish ends the bake period and leaves no replication slot.
        assertTrue(cut.out().contains("open the rollback path"), cut.out());
        assertEquals(1, slots(), "the cutover created the rollback path's replication slot");
        assertEquals("running", ferry.status().get("cutover").get("reverse").get("state").asText());
        Cli.Result finish = ferry.command("finish", "--report", dir.resolve("decommission.json").toString());
        assertEquals(1, finish.exit(), "finish says a late write was recorded: " + finish);
        assertEquals(0, slots(), "ferry finish dropped the replication slot");
        JsonNode report = new ObjectMapper().readTree(dir.resolve("decommission.json").toFile());
        assertEquals(f, report.get("freeze_revision").asLong());
        assertEquals("ferry_reverse", report.get("replication_slot_dropped").asText());
        assertEquals("finished", ferry.status().get("cutover").get("phase").asText());
    }

    /**
     * Issue 22's drift: this database also holds another pipeline's offsets (an old topic's, far
     * behind and on a partition this topic does not have). {@code ferry reconcile} and {@code ferry
     * cutover} each wait on their own topic's watermark, so neither waits for a pipeline that no
     * longer runs.
     */
    @Test
    void reconcileAndCutoverWaitOnTheirOwnTopicsWatermark() throws Exception {
        String prefix = "/shared/";
        KV kv = ETCD.client().getKVClient();
        for (int i = 0; i < 50; i++) {
            kv.put(bytes(prefix + "key-" + i), bytes("value " + i)).get();
        }
        ferry = FerryRun.configure(dir, ETCD, KAFKA, PG, prefix, "shared.changes", "cutover.timeout.ms: 30000").start();
        // ferry status fails until the watcher has created its checkpoint topic, which on a busy machine takes a while.
        Awaitility.await("ferry status").atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(2))
                .until(() -> ferry.command("status", "--json").exit() == 0);
        ferry.awaitSinkAt(kv.get(bytes(prefix)).get().getHeader().getRevision(), Duration.ofSeconds(300));
        try (Connection c = PG.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + StateTables.OFFSETS
                + " (topic, partition_id, next_offset, watermark, snapshot_epoch, snapshot_revision, updated_at)"
                + " VALUES ('shared.old', ?, 10, 1, 0, 0, 0)")) {
            for (int partition : new int[] {0, 7}) {
                ps.setInt(1, partition);
                ps.executeUpdate();
            }
        }

        Cli.Result reconcile = ferry.command("reconcile", "--wait", "30");
        assertEquals(0, reconcile.exit(), reconcile.toString());

        Cli.Result cut = ferry.command("cutover", "--without-rollback");
        assertEquals(0, cut.exit(), cut.toString());
        assertEquals("switched", ferry.status().get("cutover").get("phase").asText());
    }

    private static long slots() throws Exception {
        try (var c = PG.connect(); var rows = c.createStatement().executeQuery(
                "SELECT COUNT(*) FROM pg_replication_slots WHERE database = current_database()")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void writeUntilFrozen(KV kv, AtomicLong written) {
        try {
            for (int i = 0; ; i++) {
                if (i % 10 == 0 && kv.get(bytes(PREFIX + "ferry.cutover.freeze")).get().getCount() > 0) {
                    return; // a cooperating application stops at the marker
                }
                kv.put(bytes(String.format("%skey-%06d", PREFIX, (i * 7919) % KEYS)), bytes("{\"update\":" + i + "}")).get();
                written.incrementAndGet();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void load(KV kv) throws Exception {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (int i = 0; i < KEYS; i += 128) {
            List<Op> ops = new ArrayList<>();
            for (int j = i; j < Math.min(KEYS, i + 128); j++) {
                ops.add(Op.put(bytes(String.format("%skey-%06d", PREFIX, j)),
                        bytes("{\"process_guid\":\"pg-" + j + "\",\"instances\":" + (j % 7) + ",\"pad\":\"" + "x".repeat(200) + "\"}"),
                        PutOption.DEFAULT));
            }
            inFlight.add(kv.txn().Then(ops.toArray(new Op[0])).commit());
            if (inFlight.size() >= 16) {
                inFlight.remove(0).get(60, TimeUnit.SECONDS);
            }
        }
        for (CompletableFuture<?> f : inFlight) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
