package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.auth.Permission;
import io.ferry.clients.EtcdGrant;
import io.ferry.clients.EtcdRoles;
import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.Ports;
import io.ferry.testkit.SecuredEtcd;
import io.ferry.testkit.TestCertificates;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ferry command on an etcd that requires TLS, a client certificate and RBAC, each part as its own
 * user with exactly the permissions docs/security.md gives it ({@link EtcdRoles}): {@code ferry run}
 * replicates, {@code ferry reconcile} proves SQL equal, {@code ferry cutover} switches (SQLite: no
 * rollback path), {@code ferry status} reports. A watcher whose
 * role lacks its election ends the process with exit code 2 and the grant it needs, and its
 * {@code /health} stops answering 200 the moment it fails.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecuredEtcdCliIT {

    @RegisterExtension
    static final SecuredEtcd ETCD = new SecuredEtcd();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final TestCertificates CERTS = TestCertificates.get();
    private static final String FAILED = "stopped on an error it cannot recover from";

    @TempDir
    Path dir;

    @Test
    void eachPartRunsWithExactlyItsOwnPermissions() throws Exception {
        String prefix = "/cli/";
        String sqlite = "jdbc:sqlite:" + dir.resolve("ferry.db");
        Path run = config("run.yaml", "cli-watcher", prefix, "cli.changes", sqlite, "watcher.ha.enabled: true");
        Path reconcile = config("reconcile.yaml", "cli-reconcile", prefix, "cli.changes", sqlite);
        Path status = config("status.yaml", "cli-status", prefix, "cli.changes", sqlite);
        Path cutover = config("cutover.yaml", "cli-cutover", prefix, "cli.changes", sqlite);
        FerryConfig parsed = FerryConfig.load(run, System.getenv());
        grantExactly("cli-watcher", EtcdRoles.watcher(parsed));
        grantExactly("cli-reconcile", EtcdRoles.reconcile(parsed));
        grantExactly("cli-status", EtcdRoles.status(parsed));
        grantExactly("cli-cutover", EtcdRoles.cutover(parsed));
        var kv = ETCD.rootClient().getKVClient();
        for (int i = 0; i < 20; i++) {
            kv.put(bytes(prefix + "k" + i), bytes("v" + i)).get(30, TimeUnit.SECONDS);
        }
        kv.put(bytes("/not-replicated/x"), bytes("outside")).get(30, TimeUnit.SECONDS);

        Path runDir = Files.createDirectories(dir.resolve("run"));
        Process ferryRun = Cli.start(runDir, "run", "-c", run.toString());
        try {
            long last = kv.put(bytes(prefix + "while-running"), bytes("x")).get(30, TimeUnit.SECONDS).getHeader().getRevision();

            Cli.Result rec = Cli.run(dir, "reconcile", "-c", reconcile.toString(), "--since", Long.toString(last), "--wait", "120");
            assertEquals(0, rec.exit(), rec + "\n" + Cli.tail(runDir));
            assertTrue(rec.out().contains("Reconciled 21 etcd keys against 21 SQL rows"), rec.out());

            Cli.Result cut = Cli.run(dir, "cutover", "-c", cutover.toString());
            assertEquals(0, cut.exit(), cut + "\n" + Cli.tail(runDir));
            assertTrue(cut.out().contains("Cutover complete"), cut.out());

            // After the switch, status also reads the rollback path's position.
            Cli.Result st = Cli.run(dir, "status", "--json", "-c", status.toString());
            assertEquals(0, st.exit(), st.toString());
            JsonNode json = new ObjectMapper().readTree(st.out());
            assertTrue(json.path("etcd").path("revision").asLong() >= last, st.out());
            assertEquals("switched", json.path("cutover").path("phase").asText(), st.out());
            assertTrue(ferryRun.isAlive(), Cli.tail(runDir));
        } finally {
            Cli.stop(ferryRun);
        }
    }

    /**
     * The finding: with a role limited to the replicated prefix, the HA watcher looped STANDBY ->
     * RECOVERING on "permission denied" forever while /health answered 200.
     */
    @Test
    void aWatcherDeniedItsElectionExitsTwoNamingTheGrantAndIsNeverHealthyOnceFailed() throws Exception {
        grantExactly("cli-prefix-only", List.of(EtcdGrant.prefix("/cli/", Permission.Type.READ)));
        for (String command : List.of("watch", "run")) {
            int port = Ports.free();
            Path config = config(command + "-denied.yaml", "cli-prefix-only", "/cli/", "cli." + command + ".denied",
                    "jdbc:sqlite:" + dir.resolve(command + ".db"), "watcher.ha.enabled: true", "http.port: " + port);
            Path runDir = Files.createDirectories(dir.resolve(command));
            Process p = Cli.start(runDir, command, "-c", config.toString());
            List<Integer> afterFailure = new ArrayList<>();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (p.isAlive() && System.nanoTime() < deadline) {
                    boolean failedBefore = Cli.log(runDir).contains(FAILED);
                    int code = health(port);
                    if (failedBefore) {
                        afterFailure.add(code);
                    }
                    p.waitFor(200, TimeUnit.MILLISECONDS);
                }
                assertTrue(p.waitFor(5, TimeUnit.SECONDS), "ferry " + command + " kept running:\n" + Cli.tail(runDir));
            } finally {
                Cli.stop(p);
            }
            String log = Cli.log(runDir);
            assertEquals(2, p.exitValue(), log);
            assertTrue(log.contains("etcd refused campaigning in the watcher election ferry-election/watcher/cli."
                    + command + ".denied"), log);
            assertTrue(log.contains("etcdctl role grant-permission <role> readwrite --prefix=true ferry-election/watcher/cli."
                    + command + ".denied/"), log);
            assertTrue(!log.contains("RECOVERING"), "the denial is not retried:\n" + log);
            System.out.printf("ferry %s with a role denied its election: exit %d; /health once the failure was logged: %s%n",
                    command, p.exitValue(), afterFailure);
            afterFailure.forEach(code -> assertNotEquals(200, code, "/health answered 200 after the watcher failed"));
        }
    }

    /** A permission the reverse writer lacks is not retried for ever: the process ends, naming it. */
    @Test
    void aReverseWriterDeniedTheVersionKeyExitsTwoNamingIt() throws Exception {
        grantExactly("cli-reverse-partial", List.of(EtcdGrant.prefix("/cli/", Permission.Type.WRITE)));
        Path config = config("reverse.yaml", "cli-reverse-partial", "/cli/", "cli.changes",
                "jdbc:postgresql://127.0.0.1:" + Ports.free() + "/nothing-listens-here");

        Cli.Result r = Cli.run(dir, "reverse", "-c", config.toString());

        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("etcd refused a reverse writer's etcd request: permission denied for etcd user "
                + "'cli-reverse-partial'"), r.err());
        assertTrue(r.err().contains("etcdctl role grant-permission <role> read /cli/ferry.cutover.migrated"), r.err());
    }

    /** The HTTP status of /health, or -1 when nothing answers. */
    private static int health(int port) throws Exception {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (ConnectException | java.net.http.HttpTimeoutException e) {
            return -1;
        } catch (java.io.IOException e) {
            return -1; // the process closed the endpoint while answering
        }
    }

    /**
     * {@code ferry check --connect} as the watcher's identity finds the election grant missing before the watcher
     * would (by reading what the grant covers), names the command that grants it, and passes once it is granted.
     */
    @Test
    void checkConnectNamesTheGrantThePartLacks() throws Exception {
        Path watch = config("preflight.yaml", "cli-preflight", "/preflight/", "preflight.changes",
                "jdbc:sqlite:" + dir.resolve("preflight.db"), "watcher.ha.enabled: true");
        List<EtcdGrant> needed = EtcdRoles.watcher(FerryConfig.load(watch, System.getenv()));
        List<EtcdGrant> withoutElection = needed.stream().filter(g -> !g.key().startsWith("ferry-election/")).toList();
        grantExactly("cli-preflight", withoutElection);

        Cli.Result denied = Cli.run(dir, "check", "-c", watch.toString(), "--connect", "--for", "watch");
        assertEquals(2, denied.exit(), denied.toString());
        assertTrue(denied.out().contains("ok    etcd " + ETCD.endpoint() + ": answers as user cli-preflight"), denied.out());
        assertTrue(denied.out().contains("ok    etcd read /preflight/: 0 keys"), denied.out());
        assertTrue(denied.out().contains("FAIL  etcd read ferry-election/watcher/preflight.changes/: etcd refused reading "
                + "ferry-election/watcher/preflight.changes/: permission denied for etcd user 'cli-preflight'"), denied.out());
        assertTrue(denied.out().contains("etcdctl role grant-permission <role> readwrite --prefix=true "
                + "ferry-election/watcher/preflight.changes/"), denied.out());
        assertTrue(denied.out().contains(", 1 failed."), denied.out());

        needed.stream().filter(g -> !withoutElection.contains(g))
                .forEach(g -> ETCD.grant("cli-preflight", g.type(), g.key(), g.rangeEnd(), g.prefix()));
        Cli.Result granted = Cli.run(dir, "check", "-c", watch.toString(), "--connect", "--for", "watch");
        assertEquals(0, granted.exit(), granted.toString());
        assertTrue(granted.out().contains("ok    etcd read ferry-election/watcher/preflight.changes/: 0 keys"), granted.out());
        assertFalse(granted.out().contains("SQL table"), "the watcher does not reach the database: " + granted.out());
    }

    private Path config(String file, String user, String prefix, String topic, String jdbc, String... extra) throws Exception {
        TestCertificates.Identity id = CERTS.client(user);
        List<String> lines = new ArrayList<>(List.of(
                "etcd.endpoints: " + ETCD.endpoint(),
                "etcd.prefix: " + prefix,
                "etcd.tls.ca.file: " + CERTS.caCert(),
                "etcd.tls.cert.file: " + id.cert(),
                "etcd.tls.key.file: " + id.rsaKey(),
                "kafka.bootstrap: " + KAFKA.bootstrapServers(),
                "kafka.topic: " + topic,
                "kafka.topic.partitions: 3",
                "sink.jdbc: " + jdbc));
        if (List.of(extra).stream().noneMatch(l -> l.startsWith("http.port:"))) {
            lines.add("http.port: 0");
        }
        lines.addAll(List.of(extra));
        return Files.writeString(dir.resolve(file), String.join("\n", lines) + "\n");
    }

    /** A role with the grants and a user of the same name, authenticated by its client certificate. */
    private static void grantExactly(String role, List<EtcdGrant> grants) {
        LeastPrivilege.etcdRole(ETCD, role, grants);
        ETCD.addUser(role, null, role);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
