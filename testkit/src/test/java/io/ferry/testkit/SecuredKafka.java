package io.ferry.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker that requires TLS, authentication and ACLs: one node in KRaft combined
 * mode, run in a child JVM on free loopback ports with its data in a temporary directory.
 *
 * <ul>
 *   <li>{@link #saslSslBootstrap()}: {@code SASL_SSL} with {@value #MECHANISM}; users are made with
 *       {@link #addScramUser(String, String)}; {@link #saslClientProperties(String, String)}.</li>
 *   <li>{@link #sslBootstrap()}: {@code SSL} with {@code ssl.client.auth=required}; the principal is
 *       {@code User:<CN>} of the client certificate ({@link TestCertificates#client(String)});
 *       {@link #sslClientProperties(TestCertificates.Identity)}.</li>
 *   <li>The inter-broker and controller listeners use mutual TLS too, with the broker's own
 *       certificate ({@value #BROKER_PRINCIPAL}); nothing on this broker is plaintext.</li>
 *   <li>{@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false}: a principal may
 *       do only what {@link #allow} granted it. Super users are the broker itself, whose
 *       identity {@link #admin()} borrows, and {@value #ADMIN}, a SCRAM user made when the storage is
 *       formatted (password {@link #adminPassword()}).</li>
 * </ul>
 *
 * <p>Everything else is at Apache's defaults for a single node (see {@link SecuredKafkaFiles}),
 * including automatic topic creation, which still needs a {@code CREATE} ACL here.
 *
 * <pre>{@code
 * @RegisterExtension static final SecuredKafka KAFKA = new SecuredKafka();
 * KAFKA.addScramUser("ferry-watcher", "secret");
 * KAFKA.allow("ferry-watcher", ResourceType.TOPIC, "ferry.", PatternType.PREFIXED, AclOperation.WRITE, AclOperation.DESCRIBE);
 * new KafkaProducer<>(KAFKA.saslClientProperties("ferry-watcher", "secret"), ...);
 * }</pre>
 */
public final class SecuredKafka extends ServerExtension {

    /** The SASL mechanism of the {@code SASL_SSL} listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** A SCRAM super user made when the storage is formatted, for clients that need every right on {@code SASL_SSL}. */
    public static final String ADMIN = "admin";
    /** The principal name of the broker's own connections, from the CN of its certificate; a super user. */
    public static final String BROKER_PRINCIPAL = "kafka-broker";

    private static final Logger LOG = LoggerFactory.getLogger(SecuredKafka.class);
    private static final Duration START_LIMIT = Duration.ofSeconds(90);
    private static final Duration CALL_LIMIT = Duration.ofSeconds(30);

    private final TestCertificates certs;
    private final TestCertificates.Identity clientFacing;
    private final Map<String, String> overrides;
    private final String adminPassword = "admin-" + UUID.randomUUID();
    private Path dir;
    private SecuredKafkaFiles.ListenerPorts ports;
    private Process process;
    private Admin admin;

    /** A secured broker whose client listeners present {@link TestCertificates#server()}. */
    public SecuredKafka() {
        this(TestCertificates.get().server(), Map.of());
    }

    /**
     * A secured broker whose client listeners present {@code clientFacing} (e.g.
     * {@link TestCertificates#wrongNameServer()}) and whose {@code server.properties} get {@code overrides}.
     */
    public SecuredKafka(TestCertificates.Identity clientFacing, Map<String, String> overrides) {
        this.certs = TestCertificates.get();
        this.clientFacing = clientFacing;
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * Starts the broker (the first time formatting its storage with the {@value #ADMIN} SCRAM user), or
     * starts it again after {@link #kill()} or {@link #stop()} with the same ports, data, users and ACLs;
     * returns once {@link #admin()} can describe the cluster.
     */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        long started = System.nanoTime();
        if (dir == null) {
            dir = TempDirs.create("ferry-secured-kafka-");
            ports = SecuredKafkaFiles.ListenerPorts.free();
            SecuredKafkaFiles.writeServerProperties(dir, ports, certs, clientFacing, certs.server(BROKER_PRINCIPAL),
                    "User:" + BROKER_PRINCIPAL + ";User:" + ADMIN, overrides);
            KafkaFiles.writeLogback(dir);
            KafkaFiles.writeLog4j2(dir);
            format();
        }
        process = Processes.start(KafkaJvm.command(dir, "kafka.Kafka", dir.resolve("server.properties").toString()), log(), Map.of());
        awaitReady();
        LOG.info("Secured Kafka broker (pid {}) ready in {} ms: SASL_SSL {}, SSL {}, data in {}", process.pid(),
                (System.nanoTime() - started) / 1_000_000, saslSslBootstrap(), sslBootstrap(), dir);
    }

    /** Kills the broker with SIGKILL; its data, users and ACLs stay for {@link #start()}. */
    public synchronized void kill() {
        requireRunning("kill");
        LOG.info("Secured Kafka broker killed with SIGKILL (exit code {})", Processes.kill(process));
    }

    /** Stops the broker with SIGTERM (a controlled shutdown) and waits for it to exit. */
    public synchronized void stop() {
        requireRunning("stop");
        LOG.info("Secured Kafka broker stopped with SIGTERM (exit code {})", Processes.stop(process, Duration.ofSeconds(60)));
    }

    /** {@link #stop()} then {@link #start()}, keeping ports, data, users and ACLs. */
    public synchronized void restart() {
        stop();
        start();
    }

    /** {@code 127.0.0.1:<port>} of the {@code SASL_SSL} listener. */
    public String saslSslBootstrap() {
        return "127.0.0.1:" + requireStarted().saslSsl();
    }

    /** {@code 127.0.0.1:<port>} of the mutual-TLS {@code SSL} listener. */
    public String sslBootstrap() {
        return "127.0.0.1:" + requireStarted().ssl();
    }

    /** The password of {@value #ADMIN}. */
    public String adminPassword() {
        return adminPassword;
    }

    /**
     * What a client needs to log in as {@code user} on the {@code SASL_SSL} listener: bootstrap servers,
     * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config} and the trust store of
     * the test CA. A new, mutable copy: add serializers and the rest.
     */
    public Properties saslClientProperties(String user, String password) {
        Properties p = trusting(saslSslBootstrap(), "SASL_SSL");
        p.setProperty(SaslConfigs.SASL_MECHANISM, MECHANISM);
        p.setProperty(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return p;
    }

    /**
     * What a client needs to connect to the {@code SSL} listener as {@code User:<CN of certificate>}:
     * bootstrap servers, {@code security.protocol}, the trust store and {@code certificate}'s key store.
     */
    public Properties sslClientProperties(TestCertificates.Identity certificate) {
        return mutualTls(sslBootstrap(), certificate);
    }

    /**
     * An admin client with super-user rights, created on first use and closed with the broker. It
     * connects to the inter-broker listener as the broker itself ({@value #BROKER_PRINCIPAL}), so that
     * it works whatever certificate the client listeners present.
     */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(internalProperties());
        }
        return admin;
    }

    private Properties internalProperties() {
        return mutualTls("127.0.0.1:" + requireStarted().internal(), certs.server(BROKER_PRINCIPAL));
    }

    private Properties mutualTls(String bootstrap, TestCertificates.Identity certificate) {
        Properties p = trusting(bootstrap, "SSL");
        p.setProperty(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, certificate.keyStore().toString());
        p.setProperty(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
        p.setProperty(SslConfigs.SSL_KEY_PASSWORD_CONFIG, TestCertificates.PASSWORD);
        p.setProperty(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, TestCertificates.STORE_TYPE);
        return p;
    }

    /** Creates or updates a SCRAM user and waits until the broker knows its credential. */
    public void addScramUser(String user, String password) {
        call("add SCRAM user " + user, admin().alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all());
        Awaitility.await("SCRAM credential of " + user).atMost(CALL_LIMIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> admin().describeUserScramCredentials(List.of(user)).all().get(5, TimeUnit.SECONDS).containsKey(user));
    }

    /**
     * Allows {@code principal} (a user name, or {@code User:name}) the operations on the resources that
     * {@code name} and {@code pattern} select, from any host, and waits until the broker's authorizer
     * holds the new ACLs.
     */
    public void allow(String principal, ResourceType type, String name, PatternType pattern, AclOperation... operations) {
        String user = principal.startsWith("User:") ? principal : "User:" + principal;
        ResourcePattern resource = new ResourcePattern(type, name, pattern);
        List<AclBinding> bindings = Arrays.stream(operations)
                .map(op -> new AclBinding(resource, new AccessControlEntry(user, "*", op, AclPermissionType.ALLOW))).toList();
        call("allow " + user + " " + Arrays.toString(operations) + " on " + resource, admin().createAcls(bindings).all());
        Awaitility.await("ACLs of " + user + " on " + resource).atMost(CALL_LIMIT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> admin().describeAcls(AclBindingFilter.ANY).values().get(5, TimeUnit.SECONDS)
                        .containsAll(bindings));
    }

    /** Creates ACL bindings as they are (e.g. parsed from documented {@code kafka-acls.sh} commands) and waits until they hold. */
    public void grant(List<AclBinding> bindings) {
        call("create ACLs " + bindings, admin().createAcls(bindings).all());
        Awaitility.await("ACLs " + bindings).atMost(CALL_LIMIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> admin().describeAcls(AclBindingFilter.ANY).values().get(5, TimeUnit.SECONDS).containsAll(bindings));
    }

    /** Deletes exactly these ACL bindings and waits until they are gone. */
    public void revoke(List<AclBinding> bindings) {
        call("delete ACLs " + bindings, admin().deleteAcls(bindings.stream().map(AclBinding::toFilter).toList()).all());
        Awaitility.await("ACLs gone: " + bindings).atMost(CALL_LIMIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> admin().describeAcls(AclBindingFilter.ANY).values().get(5, TimeUnit.SECONDS).stream()
                        .noneMatch(bindings::contains));
    }

    /** Creates a topic with replication factor 1 through {@link #admin()}. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        call("create topic " + name, admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all());
    }

    /** Kills the broker if it runs, closes the admin client and deletes the data. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        if (process != null) {
            Processes.kill(process);
            process = null;
        }
        TempDirs.delete(dir);
        dir = null;
        ports = null;
    }

    private Properties trusting(String bootstrap, String protocol) {
        Properties p = new Properties();
        p.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        p.setProperty(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certs.trustStore().toString());
        p.setProperty(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
        p.setProperty(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, TestCertificates.STORE_TYPE);
        return p;
    }

    private void format() {
        Process formatter = Processes.start(KafkaJvm.command(dir, "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", dir.resolve("server.properties").toString(),
                "--add-scram", MECHANISM + "=[name=" + ADMIN + ",password=" + adminPassword + "]"), log(), Map.of());
        int exit = Processes.await(formatter, START_LIMIT);
        if (exit != 0) {
            throw new IllegalStateException("Formatting the secured Kafka log directory failed (exit code " + exit + "). "
                    + Processes.tail(log(), 40));
        }
    }

    private Path log() {
        return dir.resolve("broker.log");
    }

    private void awaitReady() {
        Process child = process;
        Properties probeConf = internalProperties();
        probeConf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        probeConf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try {
            // The port opens first; an admin client before that only logs a warning per connection attempt.
            Awaitility.await("Kafka's inter-broker port").atMost(START_LIMIT).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().failFast("the broker JVM exited", () -> !child.isAlive())
                    .until(() -> portOpen(ports.internal()));
            try (Admin probe = Admin.create(probeConf)) {
                Awaitility.await("Kafka at " + saslSslBootstrap()).atMost(START_LIMIT).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions().failFast("the broker JVM exited", () -> !child.isAlive())
                        .until(() -> !probe.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty());
            }
        } catch (RuntimeException | AssertionError e) {
            throw new IllegalStateException("The secured Kafka broker did not answer at " + saslSslBootstrap() + " within "
                    + START_LIMIT.toSeconds() + " s. Its log:\n" + Processes.tail(log(), 60), e);
        }
    }

    private static boolean portOpen(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        }
    }

    private <T> T call(String what, KafkaFuture<T> future) {
        try {
            return future.get(CALL_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + what + " on " + saslSslBootstrap(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not " + what + " on " + saslSslBootstrap(), e);
        }
    }

    private SecuredKafkaFiles.ListenerPorts requireStarted() {
        if (ports == null) {
            throw new IllegalStateException("The secured Kafka broker has not been started; register SecuredKafka as a static "
                    + "@RegisterExtension or call start()");
        }
        return ports;
    }

    private void requireRunning(String operation) {
        if (process == null) {
            throw new IllegalStateException("Cannot " + operation + " the secured Kafka broker: it has not been started");
        }
    }
}
