package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.testkit.SecuredEtcd;
import io.ferry.testkit.SecuredKafka;
import io.ferry.testkit.SecuredSqlServer;
import io.ferry.testkit.TestCertificates;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No secret is ever printed (issue 21): every {@code ferry} command runs as a process of the packaged jar
 * with known secrets set everywhere a configuration can hold one, and neither its standard output, nor its
 * standard error (the log), nor any file it writes (reports, the demo's log) contains any of them, in clear
 * or percent-encoded.
 *
 * <p>The secrets: {@code etcd.password} from an environment variable; {@code sink.password} from a file;
 * {@code http.token} from a file under {@code $CREDENTIALS_DIRECTORY} (systemd's form); a password inside
 * {@code sink.jdbc}, once as a JDBC URL parameter and once in a {@code postgresql://} connection string, both
 * holding {@code %}, {@code /} and a space; {@code kafka.sasl.jaas.config}, {@code kafka.ssl.key.password} and
 * {@code kafka.ssl.truststore.password}; a misspelled {@code etcd.pasword}; and a password on a line the YAML
 * parser cannot read.
 *
 * <p>The servers are the testkit's secured ones, so that the secrets are really used: etcd over mutual TLS
 * with RBAC as {@code root}, Kafka on SASL_SSL as its SCRAM admin, PostgreSQL requiring TLS and a password as
 * its superuser (their passwords are the secrets). Every command runs against them ("present") and against
 * closed ports ("absent"); commands may fail, that is fine. Long-running commands are stopped with SIGTERM
 * once they run, so their shutdown is searched too. The processes run four at a time, on C1 only.
 */
@Timeout(600)
class SecretsNeverPrintedIT {

    private static final Logger LOG = LoggerFactory.getLogger(SecretsNeverPrintedIT.class);

    @RegisterExtension
    static final SecuredEtcd ETCD = new SecuredEtcd();

    @RegisterExtension
    static final SecuredKafka KAFKA = new SecuredKafka();

    @RegisterExtension
    static final SecuredSqlServer PG = SecuredSqlServer.postgres();

    /** Commands that take {@code -c}; the long-running ones first, as they take longest. */
    private static final List<List<String>> CONFIGURED = List.of(List.of("run"), List.of("watch"), List.of("sink"),
            List.of("reverse"), List.of("cutover"), List.of("rollback"), List.of("finish", "--report", "finish.json"),
            List.of("reconcile", "--wait", "5", "--json", "report.json", "--html", "report.html"),
            List.of("replay", "--from-beginning"), List.of("status", "--json"), List.of("check"));
    private static final List<String> LONG_RUNNING = List.of("run", "watch", "sink", "reverse");
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String DB = "leak";
    private static final String JSON_LOGS = "present-jdbc-url";

    @TempDir
    Path dir;

    private final String unique = UUID.randomUUID().toString().substring(0, 8);
    private final String jdbcParameterPassword = "jdbcPW%zz/ w-" + unique;
    private final String connectionStringPassword = "csPW%zz/ w@x-" + unique;
    private final String sslKeyPassword = "sslKeyPW-" + unique;
    private final String typoPassword = "typoPW-" + unique;
    private final String yamlPassword = "yamlPW-" + unique;
    private final String httpToken = "httpToken-" + unique + "-" + UUID.randomUUID();

    @Test
    void noCommandPrintsOrWritesASecret() throws Exception {
        long started = System.nanoTime();
        PG.createDatabase(DB);
        Map<String, String> secrets = secrets();
        Path credentials = Files.createDirectories(dir.resolve("credentials"));
        Files.writeString(credentials.resolve("sink-password"), PG.adminPassword() + "\n");
        Files.writeString(credentials.resolve("http-token"), httpToken + "\n");
        Map<String, String> env = Map.of("FERRY_LEAK_ETCD_PASSWORD", ETCD.rootPassword(),
                "CREDENTIALS_DIRECTORY", credentials.toString());

        Map<String, Path> configs = new LinkedHashMap<>();
        configs.put("present-jdbc-url", config("present-jdbc-url", true, jdbcUrl(PG.port()), List.of()));
        configs.put("present-connection-string", config("present-connection-string", true, connectionString(PG.port()),
                List.of()));
        // Without servers, give up soon: what is searched is what a failure prints, not how long it waits.
        List<String> impatient = List.of("kafka.default.api.timeout.ms: 4000", "kafka.request.timeout.ms: 3000",
                "watcher.kafka.timeout.ms: 4000");
        configs.put("absent-jdbc-url", config("absent-jdbc-url", false, jdbcUrl(closedPort()), impatient));
        configs.put("typo", config("typo", false, jdbcUrl(closedPort()), List.of("etcd.pasword: " + typoPassword)));
        configs.put("broken-yaml", config("broken-yaml", false, jdbcUrl(closedPort()),
                List.of("sink.user: \"" + yamlPassword)));

        List<Invocation> invocations = new ArrayList<>();
        for (Map.Entry<String, Path> config : configs.entrySet()) {
            for (List<String> command : CONFIGURED) {
                List<String> args = new ArrayList<>(command.subList(0, 1));
                args.addAll(List.of("-c", config.getValue().toString()));
                args.addAll(command.subList(1, command.size()));
                invocations.add(new Invocation(config.getKey(), args));
            }
        }
        invocations.add(new Invocation("no-config", List.of("config-docs")));
        invocations.add(new Invocation("no-config", List.of("help")));
        invocations.add(new Invocation("no-config", List.of("--version")));
        invocations.add(new Invocation("no-config", List.of("demo", "--keys", "20", "--rate", "5", "--dir", "demo")));

        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Finished>> running = new ArrayList<>();
        try {
            for (Invocation invocation : invocations) {
                // One variant logs JSON lines (FERRY_LOG_FORMAT=json), where a secret would appear JSON-escaped.
                Map<String, String> its = invocation.variant().equals(JSON_LOGS) ? withJsonLogs(env) : env;
                running.add(pool.submit(() -> run(invocation, its)));
            }
            List<Finished> finished = new ArrayList<>();
            for (Future<Finished> f : running) {
                finished.add(f.get(10, TimeUnit.MINUTES));
            }
            List<String> leaks = new ArrayList<>();
            for (Finished f : finished) {
                leaks.addAll(leaks(f, secrets, configs.values()));
            }
            finished.forEach(f -> LOG.info("{}: exit {}{} in {} ms", f.invocation(), f.exit(),
                    f.stopped() ? " (stopped once running)" : "", f.took().toMillis()));
            LOG.info("{} ferry processes in {} s", finished.size(), (System.nanoTime() - started) / 1_000_000_000);
            assertTrue(leaks.isEmpty(), "secrets printed or written:\n" + String.join("\n", leaks));
            assertRan(finished);
        } finally {
            pool.shutdownNow();
        }
    }

    /** That the runs did what they had to do to be meaningful, so a clean search is no accident. */
    private void assertRan(List<Finished> finished) throws IOException {
        for (Finished f : finished) {
            String out = f.output();
            String what = f.invocation() + ":\n" + out;
            if (f.invocation().args().get(0).equals("check")) {
                if (f.invocation().variant().startsWith("present") || f.invocation().variant().startsWith("absent")) {
                    assertEquals(0, f.exit(), what);
                    for (String masked : List.of("etcd.password = ****", "sink.password = ****", "http.token = ****",
                            "kafka.sasl.jaas.config = ****", "kafka.ssl.key.password = ****")) {
                        assertTrue(out.contains(masked), masked + " in " + what);
                    }
                } else if (f.invocation().variant().equals("typo")) {
                    assertTrue(out.contains("etcd.pasword: unknown key. Did you mean 'etcd.password'?"), what);
                } else {
                    assertTrue(out.contains("is not valid YAML at line"), what);
                }
            }
        }
        Finished presentRun = finished.stream().filter(f -> f.invocation().variant().equals("present-connection-string")
                && f.invocation().args().get(0).equals("run")).findFirst().orElseThrow();
        assertTrue(presentRun.stopped(), "ferry run reached the secured servers and ran: " + presentRun.output());
    }

    private Finished run(Invocation invocation, Map<String, String> env) throws Exception {
        Path work = Files.createDirectories(dir.resolve("runs").resolve(invocation.variant())
                .resolve(String.join("_", invocation.args()).replaceAll("[^A-Za-z0-9_.-]", "")));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", Cli.JAR.toAbsolutePath().toString()));
        cmd.addAll(invocation.args());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(work.resolve("stdout.txt").toFile()).redirectError(work.resolve("stderr.txt").toFile());
        pb.environment().putAll(env);
        long started = System.nanoTime();
        Process p = pb.start();
        boolean stopped = false;
        if (LONG_RUNNING.contains(invocation.args().get(0))) {
            try {
                Awaitility.await().atMost(LIMIT).pollInterval(Duration.ofMillis(250))
                        .until(() -> !p.isAlive() || Files.readString(work.resolve("stderr.txt")).contains("Running ["));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                LOG.info("{} neither ran nor ended within {} s", invocation, LIMIT.toSeconds());
            }
            stopped = p.isAlive();
        }
        if (!stopped && !p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            LOG.info("{} did not end within {} s; stopping it", invocation, LIMIT.toSeconds());
        }
        p.destroy(); // SIGTERM, as an operator stops it: the shutdown's output is searched too
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
        return new Finished(invocation, work, p.exitValue(), stopped, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Every secret in every file the run left, each named by what it is. */
    private static List<String> leaks(Finished f, Map<String, String> secrets, java.util.Collection<Path> inputs)
            throws IOException {
        return SecretSearch.in(f.work(), secrets, inputs).stream().map(leak -> f.invocation() + ": " + leak).toList();
    }

    private static Map<String, String> withJsonLogs(Map<String, String> env) {
        Map<String, String> json = new LinkedHashMap<>(env);
        json.put("FERRY_LOG_FORMAT", "json");
        return json;
    }

    private Map<String, String> secrets() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("etcd.password (environment)", ETCD.rootPassword());
        s.put("sink.password (file)", PG.adminPassword());
        s.put("http.token (file under CREDENTIALS_DIRECTORY)", httpToken);
        s.put("password parameter of a JDBC URL", jdbcParameterPassword);
        s.put("password of a connection string", connectionStringPassword);
        s.put("kafka.sasl.jaas.config's password", KAFKA.adminPassword());
        s.put("kafka.ssl.key.password", sslKeyPassword);
        s.put("kafka.ssl.truststore.password", TestCertificates.PASSWORD);
        s.put("etcd.pasword (misspelled)", typoPassword);
        s.put("password on a line YAML cannot read", yamlPassword);
        return s;
    }

    private Path config(String name, boolean present, String jdbc, List<String> extra) throws IOException {
        TestCertificates certs = TestCertificates.get();
        TestCertificates.Identity root = certs.client(SecuredEtcd.ROOT);
        List<String> lines = new ArrayList<>(List.of(
                "etcd.endpoints: " + (present ? ETCD.endpoint() : "https://127.0.0.1:" + closedPort()),
                "etcd.prefix: /leak/",
                "etcd.user: " + SecuredEtcd.ROOT,
                "etcd.password: ${FERRY_LEAK_ETCD_PASSWORD}",
                "etcd.tls.ca.file: " + certs.caCert(),
                "etcd.tls.cert.file: " + root.cert(),
                "etcd.tls.key.file: " + root.key(),
                present ? "etcd.connect.timeout.ms: 20000" : "sink.retry.backoff.max.ms: 200",
                "kafka.bootstrap: " + (present ? KAFKA.saslSslBootstrap() : "127.0.0.1:" + closedPort()),
                "kafka.topic: leak.changes",
                "kafka.topic.partitions: 2",
                "kafka.security.protocol: SASL_SSL",
                "kafka.sasl.mechanism: " + SecuredKafka.MECHANISM,
                "kafka.sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + SecuredKafka.ADMIN + "\" password=\"" + KAFKA.adminPassword() + "\";'",
                "kafka.ssl.truststore.location: " + certs.trustStore(),
                "kafka.ssl.truststore.type: " + TestCertificates.STORE_TYPE,
                "kafka.ssl.truststore.password: " + TestCertificates.PASSWORD,
                "kafka.ssl.key.password: " + sslKeyPassword,
                present ? "watcher.kafka.timeout.ms: 10000" : "etcd.connect.timeout.ms: 2000",
                "sink.jdbc: '" + jdbc + "'",
                "sink.user: " + PG.adminUser(),
                "sink.password: ${file:${CREDENTIALS_DIRECTORY}/sink-password}",
                "sink.retry.max.attempts: 2",
                "sink.retry.backoff.ms: 100",
                "http.port: 0",
                "http.token: ${file:${CREDENTIALS_DIRECTORY}/http-token}",
                "cutover.timeout.ms: 10000"));
        lines.addAll(extra);
        return Files.writeString(dir.resolve(name + ".yaml"), String.join("\n", lines) + "\n");
    }

    /** A JDBC URL with the password as a parameter; its '%' makes the driver reject the URL, quoting it. */
    private String jdbcUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DB + "?user=" + PG.adminUser() + "&password="
                + jdbcParameterPassword + "&sslmode=verify-full&sslrootcert=" + TestCertificates.get().caCert();
    }

    /** A platform connection string with the password unencoded, '%', '/', '@' and a space included. */
    private String connectionString(int port) {
        return "postgresql://" + PG.adminUser() + ":" + connectionStringPassword + "@127.0.0.1:" + port + "/" + DB
                + "?sslmode=verify-full&sslrootcert=" + TestCertificates.get().caCert();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** One {@code ferry} command line, under one configuration. */
    private record Invocation(String variant, List<String> args) {
        @Override
        public String toString() {
            return variant + ": ferry " + String.join(" ", args.stream()
                    .map(a -> a.endsWith(".yaml") ? Path.of(a).getFileName().toString() : a).toList());
        }
    }

    /** A command that ended, where it ran, and whether it was stopped once running. */
    private record Finished(Invocation invocation, Path work, int exit, boolean stopped, Duration took) {
        String output() throws IOException {
            return Files.readString(work.resolve("stdout.txt")) + Files.readString(work.resolve("stderr.txt"));
        }
    }
}
