package io.ferry.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.ferry.clients.EtcdGrant;
import io.ferry.clients.EtcdRoles;
import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.SecuredEtcd;
import io.ferry.testkit.SecuredKafka;
import io.ferry.testkit.SecuredSqlServer;
import io.ferry.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21's "done when" in one run: every link secured at once, every part of Ferry as its own
 * least-privilege identity, through the packaged {@code ferry} processes with configuration files
 * as an operator writes them (secrets only by reference: {@code ${file:...}} and the environment).
 *
 * <ul>
 *   <li>etcd with TLS, client certificates and RBAC ({@link SecuredEtcd}); each part's role is exactly
 *       what {@link EtcdRoles} (docs/security.md) gives it, computed from the file that part runs with.</li>
 *   <li>Kafka on SASL_SSL with SCRAM-SHA-512 and the StandardAuthorizer ({@link SecuredKafka}), the topics
 *       made by hand and the ACLs of docs/security.md read from the document ({@link AclCommands}).</li>
 *   <li>PostgreSQL admitting only {@code hostssl} with SCRAM, reached with {@code sslmode=verify-full}
 *       ({@link SecuredSqlServer}), the users and grants of docs/security.md ({@link LeastPrivilege}).</li>
 * </ul>
 *
 * <p>The parts run as separate processes, as docs/security.md advises for production: {@code ferry watch}
 * (etcd and Kafka as ferry-watcher), {@code ferry sink} (Kafka as ferry-sink, SQL as ferry_sink, no etcd
 * identity), {@code ferry reverse} (etcd as ferry-reverse, SQL as the REPLICATION user ferry_reverse through
 * {@code reverse.user}); {@code ferry reconcile} as ferry-reconcile and the read-only ferry_reader;
 * {@code ferry cutover} and {@code ferry rollback} as the operator (etcd ferry-operator with the cutover and
 * rollback roles, by password; SQL as the tables' owner, named with its password inside the JDBC URL, the slot as
 * ferry_reverse; Kafka as ferry-watcher,
 * since the rollback re-emits through the change topic). Replication of puts and deletes, a clean reconcile,
 * the cutover, a write in SQL carried into etcd by the rollback path, the rollback, forward replication
 * again; and none of the secrets appears in anything the processes printed or wrote.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class SecuredEndToEndIT {

    @RegisterExtension
    static final SecuredEtcd ETCD = new SecuredEtcd();
    @RegisterExtension
    static final SecuredKafka KAFKA = new SecuredKafka();
    @RegisterExtension
    static final SecuredSqlServer PG = SecuredSqlServer.postgres();

    private static final TestCertificates CERTS = TestCertificates.get();
    private static final String DATABASE = "app";
    private static final String PREFIX = "/e2e/";
    private static final String TOPIC = "e2e.changes";
    private static final String GROUP = "ferry-sink.e2e";
    private static final String SLOT = "ferry_e2e_it";
    private static final int KEYS = 100;
    private static final Duration LIMIT = Duration.ofSeconds(180);

    private static final String KAFKA_WATCHER = "ferry-watcher";
    private static final String KAFKA_SINK = "ferry-sink";
    private static final String KAFKA_WATCHER_PASSWORD = "kafkaWatcher-" + UUID.randomUUID();
    private static final String KAFKA_SINK_PASSWORD = "kafkaSink-" + UUID.randomUUID();
    private static final String OPERATOR = "ferry-operator";
    private static final String OPERATOR_PASSWORD = "etcdOperator-" + UUID.randomUUID();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private long phaseStarted = System.nanoTime();

    @BeforeAll
    static void leastPrivilegeUsersAndTopics() throws Exception {
        PG.createDatabase(DATABASE);
        LeastPrivilege.postgres(PG, DATABASE);
        KAFKA.addScramUser(KAFKA_WATCHER, KAFKA_WATCHER_PASSWORD);
        KAFKA.addScramUser(KAFKA_SINK, KAFKA_SINK_PASSWORD);
        // As docs/kafka-topics.md has an operator make them, so that the watcher needs no Create.
        KAFKA.createTopic(TOPIC, 3, Map.of("cleanup.policy", "compact", "max.message.bytes", "4194304"));
        KAFKA.createTopic(TOPIC + ".checkpoint", 1, Map.of("cleanup.policy", "compact", "segment.ms", "3600000"));
        Map<String, String> vars = Map.of("ACLS", "kafka-acls.sh --bootstrap-server " + KAFKA.saslSslBootstrap()
                + " --command-config admin.properties", "TOPIC", TOPIC, "GROUP", GROUP,
                "WATCHER", "User:" + KAFKA_WATCHER, "SINK", "User:" + KAFKA_SINK);
        KAFKA.grant(AclCommands.fromDoc("watcher", vars));
        KAFKA.grant(AclCommands.fromDoc("sink", vars));
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            Cli.stop(p);
        }
    }

    @Test
    void replicateReconcileCutOverAndRollBackWithEveryLinkSecuredAndEveryPartItsOwnIdentity() throws Exception {
        Path credentials = Files.createDirectories(dir.resolve("credentials"));
        Files.writeString(credentials.resolve("etcd-operator-password"), OPERATOR_PASSWORD + "\n");
        Files.writeString(credentials.resolve("pg-sink-password"), LeastPrivilege.SINK_PASSWORD + "\n");
        Files.writeString(credentials.resolve("pg-reverse-password"), LeastPrivilege.REVERSE_PASSWORD + "\n");
        Files.writeString(credentials.resolve("pg-reader-password"), LeastPrivilege.READER_PASSWORD + "\n");
        Map<String, String> asWatcher = Map.of("FERRY_KAFKA_PASSWORD", KAFKA_WATCHER_PASSWORD);
        Map<String, String> asSink = Map.of("FERRY_KAFKA_PASSWORD", KAFKA_SINK_PASSWORD);

        // What every part shares: where the servers are and how to trust them; no identity, no secret.
        FerryRun shared = FerryRun.configure(dir, ETCD.endpoint(), KAFKA.saslSslBootstrap(),
                TargetDatabase.secured(PG, DATABASE, List.of("sink.jdbc: " + PG.jdbcUrl(DATABASE))), PREFIX, TOPIC,
                "etcd.tls.ca.file: " + CERTS.caCert(),
                // Four JVMs, three servers and TLS everywhere: a busy machine's first etcd call may take longer than 10 s.
                "etcd.connect.timeout.ms: 60000",
                "kafka.security.protocol: SASL_SSL",
                "kafka.sasl.mechanism: " + SecuredKafka.MECHANISM,
                "kafka.ssl.truststore.type: PEM",
                "kafka.ssl.truststore.location: " + CERTS.caCert(),
                "sink.group: " + GROUP,
                "reverse.slot.name: " + SLOT,
                "cutover.timeout.ms: " + LIMIT.toMillis());
        Path watch = shared.variant("watch.yaml", etcdCertificate("ferry-watcher", kafkaUser(KAFKA_WATCHER)));
        Path sink = shared.variant("sink.yaml", kafkaUser(KAFKA_SINK), "sink.user: " + LeastPrivilege.SINK,
                "sink.password: ${file:" + credentials.resolve("pg-sink-password") + "}");
        Path reverse = shared.variant("reverse.yaml", etcdCertificate("ferry-reverse", "reverse.user: " + LeastPrivilege.REVERSE,
                "reverse.password: ${file:" + credentials.resolve("pg-reverse-password") + "}"));
        Path reconcile = shared.variant("reconcile.yaml", etcdCertificate("ferry-reconcile", "sink.user: " + LeastPrivilege.READER,
                "sink.password: ${file:" + credentials.resolve("pg-reader-password") + "}"));
        // The operator authenticates to etcd by password; the certificate only opens the connection. Its SQL
        // credentials are inside the JDBC URL, the form the security review found broken on the rollback path.
        Path operator = shared.variant("operator.yaml", etcdCertificate(OPERATOR, "etcd.user: " + OPERATOR,
                "etcd.password: ${file:" + credentials.resolve("etcd-operator-password") + "}", kafkaUser(KAFKA_WATCHER),
                "sink.jdbc: " + PG.jdbcUrl(DATABASE) + "&user=" + LeastPrivilege.SINK + "&password=${file:"
                        + credentials.resolve("pg-sink-password") + "}",
                "reverse.user: " + LeastPrivilege.REVERSE,
                "reverse.password: ${file:" + credentials.resolve("pg-reverse-password") + "}"));

        // Each etcd role exactly as EtcdRoles derives it from the file its part runs with.
        etcdUser("ferry-watcher", EtcdRoles.watcher(FerryConfig.load(watch, asWatcher)));
        etcdUser("ferry-reverse", EtcdRoles.reverse(FerryConfig.load(reverse, Map.of())));
        etcdUser("ferry-reconcile", EtcdRoles.reconcile(FerryConfig.load(reconcile, Map.of())));
        FerryConfig operatorConfig = FerryConfig.load(operator, asWatcher);
        LeastPrivilege.etcdRole(ETCD, "ferry-cutover", EtcdRoles.cutover(operatorConfig));
        LeastPrivilege.etcdRole(ETCD, "ferry-rollback", EtcdRoles.rollback(operatorConfig));
        ETCD.addUser(OPERATOR, OPERATOR_PASSWORD, "ferry-cutover", "ferry-rollback");

        phase("config files, etcd roles and users");
        KV kv = ETCD.rootClient().getKVClient();
        load(kv);
        start("watch", watch, asWatcher);
        start("sink", sink, asSink);
        start("reverse", reverse, Map.of());
        awaitSqlEqualsEtcd(kv);
        phase("ferry watch, sink and reverse started; the snapshot of " + KEYS + " keys in SQL");

        // Live changes: puts, overwrites, deletes, and a transaction that does both.
        for (int i = 0; i < 20; i++) {
            put(kv, key(KEYS + i), "{\"live\":" + i + "}");
            put(kv, key(i), "{\"index\":" + i + ",\"v\":2}");
        }
        for (int i = 20; i < 35; i++) {
            kv.delete(bytes(key(i))).get(30, TimeUnit.SECONDS);
        }
        kv.txn().Then(Op.put(bytes(key(40)), bytes("{\"in\":\"txn\"}"), PutOption.DEFAULT),
                Op.delete(bytes(key(41)), DeleteOption.DEFAULT)).commit().get(30, TimeUnit.SECONDS);
        awaitSqlEqualsEtcd(kv);
        phase("live puts and deletes in SQL");

        Cli.Result clean = ferry("reconcile", reconcile, Map.of());
        assertEquals(0, clean.exit(), () -> clean + logs());
        assertTrue(clean.out().contains("Reconciled " + (KEYS + 20 - 16) + " etcd keys"), clean.out());
        phase("ferry reconcile");

        Cli.Result cut = ferry("cutover", operator, asWatcher, "--freeze", "external");
        assertEquals(0, cut.exit(), () -> cut + logs());
        assertTrue(cut.out().contains("prove the rollback path: the probe reaches etcd through the reverse writer ... ok"),
                cut.out());
        assertTrue(versionKey(kv).contains("\"authoritative\":\"sql\""), versionKey(kv));
        phase("ferry cutover");

        // Applications write SQL; the rollback path carries it into etcd as ferry-reverse, over verified TLS.
        try (Connection c = PG.connectAdmin(DATABASE)) {
            execute(c, "UPDATE etcd_kv SET \"value\" = ? WHERE \"key\" = ?", "{\"written\":\"in sql\"}", key(3));
            execute(c, "INSERT INTO etcd_kv (\"key\", \"value\", \"create_revision\", \"mod_revision\", \"version\", \"lease\") "
                    + "VALUES (?, ?, 0, 0, 0, 0)", key(KEYS + 50), "{\"inserted\":\"in sql\"}");
            execute(c, "DELETE FROM etcd_kv WHERE \"key\" = ?", key(5));
        }
        await("SQL's writes in etcd").atMost(LIMIT).pollInterval(Duration.ofMillis(200))
                .until(() -> "{\"written\":\"in sql\"}".equals(etcdState(kv).get(key(3)))
                        && etcdState(kv).containsKey(key(KEYS + 50)) && !etcdState(kv).containsKey(key(5)));
        phase("SQL's update, insert and delete in etcd");

        Cli.Result back = ferry("rollback", operator, asWatcher, "--freeze", "external");
        assertEquals(0, back.exit(), () -> back + logs());
        assertTrue(back.out().contains("Rollback complete"), back.out());
        phase("ferry rollback");
        assertTrue(versionKey(kv).contains("\"authoritative\":\"etcd\""), versionKey(kv));
        assertSame(etcdState(kv), sqlState());
        assertEquals(0, slots(), "the rollback dropped the slot as " + LeastPrivilege.REVERSE);
        Cli.Result afterRollback = ferry("reconcile", reconcile, Map.of());
        assertEquals(0, afterRollback.exit(), () -> afterRollback + logs());
        phase("ferry reconcile after the rollback");

        // Forward replication again, with the same identities.
        put(kv, key(KEYS + 60), "{\"after\":\"rollback\"}");
        awaitSqlEqualsEtcd(kv);
        processes.forEach(p -> assertTrue(p.isAlive(), this::logs));
        phase("forward replication again");
        for (Process p : processes) {
            Cli.stop(p); // their shutdown is searched too
        }

        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("Kafka password of " + KAFKA_WATCHER, KAFKA_WATCHER_PASSWORD);
        secrets.put("Kafka password of " + KAFKA_SINK, KAFKA_SINK_PASSWORD);
        secrets.put("etcd password of " + OPERATOR, OPERATOR_PASSWORD);
        secrets.put("PostgreSQL password of " + LeastPrivilege.SINK, LeastPrivilege.SINK_PASSWORD);
        secrets.put("PostgreSQL password of " + LeastPrivilege.REVERSE, LeastPrivilege.REVERSE_PASSWORD);
        secrets.put("PostgreSQL password of " + LeastPrivilege.READER, LeastPrivilege.READER_PASSWORD);
        List<String> leaks = SecretSearch.in(dir, secrets, List.of(credentials));
        assertTrue(leaks.isEmpty(), "secrets printed or written:\n" + String.join("\n", leaks));
        phase("stopped the parts, searched their output for secrets");
    }

    /** Prints how long the step that just ended took: what this test costs, step by step. */
    private void phase(String what) {
        long now = System.nanoTime();
        System.out.printf("SecuredEndToEndIT: %s: %d ms%n", what, (now - phaseStarted) / 1_000_000);
        phaseStarted = now;
    }

    /**
     * etcd: the part's client certificate, whose common name is its user (etcd takes the user from it when
     * the file names no {@code etcd.user}), and its key; {@code overrides} follow.
     */
    private static String[] etcdCertificate(String user, String... overrides) {
        TestCertificates.Identity id = CERTS.client(user);
        List<String> lines = new ArrayList<>(List.of("etcd.tls.cert.file: " + id.cert(), "etcd.tls.key.file: " + id.key()));
        lines.addAll(List.of(overrides));
        return lines.toArray(new String[0]);
    }

    /** Kafka: SCRAM as docs/security.md writes it, the password from the process's environment. */
    private static String kafkaUser(String user) {
        return "kafka.sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"${FERRY_KAFKA_PASSWORD}\";'";
    }

    /** A role of the user's name with exactly {@code grants}, and the user, who authenticates by certificate. */
    private static void etcdUser(String user, List<EtcdGrant> grants) {
        LeastPrivilege.etcdRole(ETCD, user, grants);
        ETCD.addUser(user, null, user);
    }

    private void start(String command, Path config, Map<String, String> env) throws Exception {
        processes.add(Cli.start(Files.createDirectories(dir.resolve(command)), env, command, "-c", config.toString()));
    }

    private Cli.Result ferry(String command, Path config, Map<String, String> env, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(command, "-c", config.toString()));
        all.addAll(List.of(args));
        return Cli.run(Files.createDirectories(dir.resolve("commands")), env, all.toArray(new String[0]));
    }

    private String logs() {
        StringBuilder sb = new StringBuilder();
        for (String part : List.of("watch", "sink", "reverse")) {
            sb.append("\n--- ferry ").append(part).append(":\n").append(Cli.tail(dir.resolve(part)));
        }
        return sb.toString();
    }

    private void awaitSqlEqualsEtcd(KV kv) {
        try {
            await("SQL equal to etcd").atMost(LIMIT).pollInterval(Duration.ofMillis(500))
                    .failFast("a ferry process ended", () -> processes.stream().anyMatch(p -> !p.isAlive()))
                    .untilAsserted(() -> assertSame(etcdState(kv), sqlState()));
        } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + logs(), e);
        }
    }

    /** etcd's keys and values equal SQL's, or an error that counts both and names the first keys that differ. */
    private static void assertSame(Map<String, String> etcd, Map<String, String> sql) {
        if (!etcd.equals(sql)) {
            java.util.Set<String> keys = new java.util.TreeSet<>(etcd.keySet());
            keys.addAll(sql.keySet());
            List<String> differ = keys.stream().filter(k -> !java.util.Objects.equals(etcd.get(k), sql.get(k))).limit(5)
                    .map(k -> k + ": etcd " + etcd.get(k) + ", SQL " + sql.get(k)).toList();
            throw new AssertionError("etcd has " + etcd.size() + " keys, SQL " + sql.size() + " rows; differing: " + differ);
        }
    }

    /** The rows of the generic table but Ferry's own keys, as the test's admin reads them. */
    private static Map<String, String> sqlState() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = PG.connectAdmin(DATABASE); ResultSet rs = c.createStatement().executeQuery(
                "SELECT \"key\", \"value\" FROM etcd_kv")) {
            while (rs.next()) {
                String k = new String(rs.getBytes(1), StandardCharsets.UTF_8);
                if (!k.startsWith(PREFIX + "ferry.")) {
                    out.put(k, new String(rs.getBytes(2), StandardCharsets.UTF_8));
                }
            }
        } catch (java.sql.SQLException e) {
            return Map.of("(no table yet)", e.getMessage());
        }
        return out;
    }

    private static Map<String, String> etcdState(KV kv) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (KeyValue e : kv.get(bytes(PREFIX), GetOption.builder().isPrefix(true).build()).get(30, TimeUnit.SECONDS).getKvs()) {
            String k = e.getKey().toString(StandardCharsets.UTF_8);
            if (!k.startsWith(PREFIX + "ferry.")) {
                out.put(k, e.getValue().toString(StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String versionKey(KV kv) throws Exception {
        List<KeyValue> kvs = kv.get(bytes(PREFIX + "ferry.cutover.migrated")).get(30, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? "(no version key)" : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    }

    private static long slots() throws Exception {
        try (Connection c = PG.connectAdmin(PG.adminDatabase()); ResultSet rs = c.createStatement().executeQuery(
                "SELECT COUNT(*) FROM pg_replication_slots")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(Connection c, String sql, String... params) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setBytes(i + 1, params[i].getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(1, ps.executeUpdate(), sql);
        }
    }

    private static void load(KV kv) throws Exception {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            ops.add(Op.put(bytes(key(i)), bytes("{\"index\":" + i + "}"), PutOption.DEFAULT));
        }
        kv.txn().Then(ops.toArray(new Op[0])).commit().get(30, TimeUnit.SECONDS);
    }

    private static void put(KV kv, String key, String value) throws Exception {
        kv.put(bytes(key), bytes(value)).get(30, TimeUnit.SECONDS);
    }

    private static String key(int i) {
        return String.format("%skey-%04d", PREFIX, i);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
