package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.ferry.testkit.Await;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SecuredSqlServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security review's rollback-path findings, on a PostgreSQL that admits only verified TLS
 * with SCRAM passwords. With the credentials only inside the JDBC URL the rollback path once got
 * an empty password and Debezium's {@code sslmode=prefer}; the cutover switched anyway and the
 * way back did not exist. Now the rollback path connects as the sink does, a cutover switches only
 * once the reverse writer has carried its probe into etcd, and a reverse writer that cannot
 * connect says why once and stops.
 */
@Timeout(900)
class SecuredCutoverIT {

    private static final int KEYS = 200;

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final SecuredSqlServer PG = SecuredSqlServer.postgres();

    /** One user who is everything: the form of the review, credentials and verify-full in the URL. */
    private static final String URL_DB = "app_url";
    private static final String URL_USER = "ferry_url";
    private static final String URL_PASSWORD = "urlPw5e6f";
    /** Least-privilege users of docs/security.md. */
    private static final String LP_DB = "app_lp";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private FerryRun ferry;

    @BeforeAll
    static void databases() {
        PG.createDatabase(URL_DB);
        PG.execute(PG.adminDatabase(), "CREATE ROLE " + URL_USER + " LOGIN REPLICATION PASSWORD '" + URL_PASSWORD + "'",
                "GRANT CONNECT, CREATE ON DATABASE " + URL_DB + " TO " + URL_USER);
        PG.execute(URL_DB, "GRANT USAGE, CREATE ON SCHEMA public TO " + URL_USER);
        PG.createDatabase(LP_DB);
        LeastPrivilege.postgres(PG, LP_DB);
    }

    @AfterEach
    void stop() throws Exception {
        if (ferry != null) {
            ferry.close();
        }
        for (Process p : processes) {
            Cli.stop(p);
        }
    }

    @Test
    void credentialsOnlyInsideTheJdbcUrlReachTheRollbackPathWithItsTls() throws Exception {
        String prefix = "/url/";
        KV kv = load(prefix);
        ferry = FerryRun.configure(dir, ETCD, KAFKA, TargetDatabase.secured(PG, URL_DB, List.of(
                "sink.jdbc: " + PG.jdbcUrl(URL_DB) + "&user=" + URL_USER + "&password=" + URL_PASSWORD)),
                prefix, "url.changes", "reverse.slot.name: ferry_url_it", "cutover.timeout.ms: 120000").start();
        ferry.awaitSinkAt(revision(kv, prefix), Duration.ofSeconds(300));

        Cli.Result cut = ferry.command("cutover", "--freeze", "external");
        assertEquals(0, cut.exit(), () -> cut + "\nferry run's log:\n" + Cli.tail(dir));
        assertTrue(cut.out().contains("prove the rollback path: the probe reaches etcd through the reverse writer ... ok"),
                cut.out());
        assertEquals("switched", ferry.status().get("cutover").get("phase").asText());

        // An application writes SQL after the switch; the rollback path copies it into etcd over verified TLS.
        try (Connection c = PG.connectAdmin(URL_DB); PreparedStatement ps = c.prepareStatement(
                "UPDATE etcd_kv SET \"value\" = ? WHERE \"key\" = ?")) {
            ps.setBytes(1, bytes("written in SQL"));
            ps.setBytes(2, bytes(prefix + "key-7"));
            assertEquals(1, ps.executeUpdate());
        }
        awaitEtcd(kv, prefix + "key-7", "written in SQL");

        Cli.Result back = ferry.command("rollback", "--freeze", "external");
        assertEquals(0, back.exit(), () -> back + "\nferry run's log:\n" + Cli.tail(dir));
        assertEquals("rolled_back", ferry.status().get("cutover").get("phase").asText());
        assertEquals("written in SQL", value(kv, prefix + "key-7"));
        assertFalse(Cli.log(dir).contains("Reverse replication stops"), "the reverse writer never stopped:\n" + Cli.tail(dir));
    }

    @Test
    void aCutoverSwitchesOnlyOnceTheRollbackPathCarriedItsProbe() throws Exception {
        String prefix = "/lp/";
        KV kv = load(prefix);
        ferry = FerryRun.configure(dir, ETCD, KAFKA, TargetDatabase.secured(PG, LP_DB, List.of(
                "sink.jdbc: " + PG.jdbcUrl(LP_DB) + "&user=" + LeastPrivilege.SINK + "&password=" + LeastPrivilege.SINK_PASSWORD,
                "reverse.user: " + LeastPrivilege.REVERSE, "reverse.password: " + LeastPrivilege.REVERSE_PASSWORD)),
                prefix, "lp.changes", "reverse.slot.name: ferry_lp_it", "cutover.timeout.ms: 20000").start();
        ferry.awaitSinkAt(revision(kv, prefix), Duration.ofSeconds(300));
        Path wrong = ferry.variant("wrong-reverse.yaml", "reverse.password: not-the-password");

        // 1. The cutover's own check of the rollback path refuses it before anything is frozen.
        Cli.Result refused = ferry.command(wrong, "cutover", "--freeze", "external");
        assertEquals(2, refused.exit(), refused.toString());
        String reason = refused.err().lines().findFirst().orElse("");
        assertTrue(reason.startsWith("ferry cutover: checking ") && reason.contains(" as " + LeastPrivilege.REVERSE
                + " for the rollback path failed: the server refused user " + LeastPrivilege.REVERSE), refused.err());
        assertFalse(refused.out().contains("freeze"), "refused before the freeze: " + refused.out());
        assertNotSwitched(kv, prefix, null);

        // 2. A reverse writer with that password says so once, and stops instead of retrying for ever.
        Path alone = Files.createDirectories(dir.resolve("reverse-wrong"));
        Process reverse = Cli.start(alone, "reverse", "-c", wrong.toString());
        processes.add(reverse);
        assertTrue(reverse.waitFor(120, TimeUnit.SECONDS), "ferry reverse stopped:\n" + Cli.log(alone));
        assertEquals(2, reverse.exitValue(), Cli.log(alone));
        String log = Cli.log(alone);
        assertEquals(1, log.lines().filter(l -> l.contains("ERROR") && l.contains("Reverse replication stops")).count(), log);
        assertTrue(log.contains("ferry reverse: reverse failed: the rollback path cannot use "), log);
        assertTrue(log.contains("the server refused user " + LeastPrivilege.REVERSE), log);
        assertFalse(log.contains("retrying"), log);

        // 3. Without a reverse writer, the probe never arrives: the cutover aborts and does not switch.
        ferry.close();
        Process watch = Cli.start(Files.createDirectories(dir.resolve("watch")), "watch", "-c", ferry.config().toString());
        Process sink = Cli.start(Files.createDirectories(dir.resolve("sink")), "sink", "-c", ferry.config().toString());
        processes.add(watch);
        processes.add(sink);
        awaitSink(kv.put(ByteSequence.from(prefix + "restarted", StandardCharsets.UTF_8),
                ByteSequence.from("yes", StandardCharsets.UTF_8)).get().getHeader().getRevision());
        Cli.Result noWriter = ferry.command("cutover", "--freeze", "external");
        assertEquals(2, noWriter.exit(), noWriter.toString());
        assertTrue(noWriter.out().contains("prove the rollback path: the probe reaches etcd through the reverse writer ... FAILED"),
                noWriter.out());
        assertTrue(noWriter.err().contains("the rollback path did not carry its probe from SQL into etcd within 20 s"),
                noWriter.err());
        assertNotSwitched(kv, prefix, "aborted");
        try (Connection c = PG.connectAdmin(LP_DB); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM etcd_kv WHERE \"key\" = ?")) {
            ps.setBytes(1, bytes(prefix + "ferry.reverse.probe"));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getLong(1), "the aborted cutover withdrew its probe from SQL, where etcd never had it");
            }
        }

        // 4. With the rollback path's writer running as its least-privilege user, the same cutover switches.
        processes.add(Cli.start(Files.createDirectories(dir.resolve("reverse")), "reverse", "-c", ferry.config().toString()));
        Cli.Result cut = ferry.command("cutover", "--freeze", "external");
        assertEquals(0, cut.exit(), () -> cut + "\nferry reverse's log:\n" + Cli.log(dir.resolve("reverse")));
        assertEquals("switched", ferry.status().get("cutover").get("phase").asText());
        assertEquals(1, slots(), "the rollback path's slot is open for the bake period");
        Cli.Result finish = ferry.command("finish", "--report", dir.resolve("decommission.json").toString());
        assertEquals(0, finish.exit(), finish.toString());
        assertEquals(0, slots(), "ferry finish released the slot as the rollback path's user");
    }

    /** Waits for the sink's watermarks to reach {@code revision}, through ferry status, whichever processes run the sink. */
    private void awaitSink(long revision) {
        Await.until("the sink at revision " + revision, Duration.ofSeconds(300), Duration.ofSeconds(1), ferry::status,
                s -> s.get("sink").get("min_watermark").asLong() >= revision, () -> "\n" + Cli.log(dir.resolve("sink")));
    }

    /**
     * etcd stays authoritative: no version key, no freeze marker left, no slot, and the record says {@code phase} (null:
     * no cutover was recorded, or not a switched one).
     */
    private void assertNotSwitched(KV kv, String prefix, String phase) throws Exception {
        assertEquals(0, kv.get(ByteSequence.from(prefix + "ferry.cutover.migrated", StandardCharsets.UTF_8)).get().getCount(),
                "etcd's version key was never written");
        assertEquals(0, kv.get(ByteSequence.from(prefix + "ferry.cutover.freeze", StandardCharsets.UTF_8)).get().getCount(),
                "the freeze marker is gone");
        assertEquals(0, slots(), "no replication slot is left");
        String recorded = ferry.status().path("cutover").path("phase").asText("none");
        if (phase == null) {
            assertFalse(recorded.equals("switched"), recorded);
        } else {
            assertEquals(phase, recorded);
        }
    }

    private static long slots() throws Exception {
        try (Connection c = PG.connectAdmin(PG.adminDatabase()); ResultSet rs = c.createStatement().executeQuery(
                "SELECT COUNT(*) FROM pg_replication_slots")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static KV load(String prefix) throws Exception {
        KV kv = ETCD.client().getKVClient();
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            ops.add(Op.put(ByteSequence.from(prefix + "key-" + i, StandardCharsets.UTF_8),
                    ByteSequence.from("{\"index\":" + i + "}", StandardCharsets.UTF_8), PutOption.DEFAULT));
            if (ops.size() == 100) {
                kv.txn().Then(ops.toArray(new Op[0])).commit().get(30, TimeUnit.SECONDS);
                ops.clear();
            }
        }
        return kv;
    }

    private static long revision(KV kv, String prefix) throws Exception {
        return kv.get(ByteSequence.from(prefix, StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS).getHeader().getRevision();
    }

    private static void awaitEtcd(KV kv, String key, String expected) {
        Await.until("etcd to get " + key + " = " + expected, Duration.ofSeconds(120), Duration.ofMillis(100), () -> value(kv, key),
                expected::equals);
    }

    private static String value(KV kv, String key) throws Exception {
        List<KeyValue> kvs = kv.get(ByteSequence.from(key, StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
