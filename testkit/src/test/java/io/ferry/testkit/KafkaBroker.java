package io.ferry.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker for a test class: one node in KRaft combined mode (broker and
 * controller), run in a child JVM from the test class path on free loopback ports, with its data in
 * a temporary directory. It keeps Apache's broker defaults wherever a single node allows: topics
 * are created automatically on first use, with 1 partition and replication factor 1, and records are
 * limited to about 1 MiB unless a topic says otherwise.
 *
 * <p>Register it with {@code @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();};
 * or drive it by hand with {@link #start()} and {@link #close()}. Failure tests can {@link #kill()}
 * (SIGKILL), {@link #stop()} (SIGTERM) and {@link #start()} it again with the same ports and data.
 *
 * <p>When {@value #ENV_BOOTSTRAP} is set, that cluster is used as it is and no broker is started;
 * {@link #kill()}, {@link #stop()} and {@link #restart()} then throw.
 */
public final class KafkaBroker extends ServerExtension {

    /** Bootstrap servers of an external Kafka cluster to use instead of starting a broker. */
    public static final String ENV_BOOTSTRAP = "FERRY_TEST_KAFKA_BOOTSTRAP";

    /**
     * A topic-level {@code max.message.bytes} (8 MiB) for tests that create topics for the 4 MiB records
     * the pipeline must carry; producers need {@code max.request.size} as large.
     */
    public static final int MAX_MESSAGE_BYTES = KafkaFiles.MAX_MESSAGE_BYTES;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final String external;
    private final Map<String, String> overrides;
    private final KafkaJvm.Tuning tuning;
    private Path dir;
    private int brokerPort;
    private int controllerPort;
    private Process process;
    private Admin admin;

    /** A single-node broker with the testkit's settings. */
    public KafkaBroker() {
        this(System.getenv(ENV_BOOTSTRAP), Map.of());
    }

    /**
     * A single-node broker whose {@code server.properties} get {@code overrides} on top of the
     * testkit's settings, e.g. {@code Map.of("log.cleaner.min.compaction.lag.ms", "0")}. Ignored
     * when {@value #ENV_BOOTSTRAP} names an external cluster.
     */
    public KafkaBroker(Map<String, String> overrides) {
        this(System.getenv(ENV_BOOTSTRAP), overrides);
    }

    /** With {@code externalBootstrap} as if it came from {@value #ENV_BOOTSTRAP}; {@code null} or blank to run a broker. */
    KafkaBroker(String externalBootstrap, Map<String, String> overrides) {
        this(externalBootstrap, overrides, KafkaJvm.Tuning.TEST);
    }

    private KafkaBroker(String externalBootstrap, Map<String, String> overrides, KafkaJvm.Tuning tuning) {
        this.external = externalBootstrap == null || externalBootstrap.isBlank() ? null : externalBootstrap.trim();
        this.overrides = Map.copyOf(overrides);
        this.tuning = tuning;
    }

    /**
     * A single-node broker with the testkit's settings, run with the JVM options of Apache's
     * {@code kafka-server-start.sh} (a 1 GiB heap, G1, C2) instead of the tests' lighter ones: for
     * benchmarks, where the broker's CPU per change must be what a user's broker pays.
     */
    public static KafkaBroker asApacheStartsIt() {
        return new KafkaBroker(System.getenv(ENV_BOOTSTRAP), Map.of(), KafkaJvm.Tuning.APACHE_START_SCRIPT);
    }

    /**
     * Starts the broker (formatting its storage the first time), or starts it again after
     * {@link #kill()} or {@link #stop()} with the same ports and data, and waits until an admin
     * client can describe the cluster. With an external cluster, only checks that it answers.
     */
    public synchronized void start() {
        if (external != null) {
            awaitReady(null);
            return;
        }
        if (process != null && process.isAlive()) {
            return;
        }
        if (dir == null) {
            dir = TempDirs.create("ferry-kafka-");
            brokerPort = Ports.free();
            controllerPort = Ports.free();
            KafkaFiles.writeServerProperties(dir, brokerPort, controllerPort, overrides);
            KafkaFiles.writeLogback(dir);
            KafkaFiles.writeLog4j2(dir);
            format();
        }
        process = Processes.start(KafkaJvm.command(tuning, dir, "kafka.Kafka", dir.resolve("server.properties").toString()), log(), Map.of());
        awaitReady(process);
        LOG.info("Kafka broker (pid {}) answers at {} with data in {}", process.pid(), bootstrapServers(), dir);
    }

    /** Kills the broker with SIGKILL, as a crash would; its data stays for {@link #start()}. */
    public synchronized void kill() {
        requireOwnProcess("kill");
        LOG.info("Kafka broker killed with SIGKILL (exit code {})", Processes.kill(process));
    }

    /** Stops the broker with SIGTERM (a controlled shutdown) and waits for it to exit. */
    public synchronized void stop() {
        requireOwnProcess("stop");
        LOG.info("Kafka broker stopped with SIGTERM (exit code {})", Processes.stop(process, Duration.ofSeconds(60)));
    }

    /** {@link #stop()} then {@link #start()}, keeping ports and data. */
    public synchronized void restart() {
        stop();
        start();
    }

    /** {@code 127.0.0.1:<port>}, or the external bootstrap servers as given. */
    public String bootstrapServers() {
        if (external != null) {
            return external;
        }
        if (dir == null) {
            throw new IllegalStateException("The Kafka broker has not been started; register KafkaBroker as a static "
                    + "@RegisterExtension or call start()");
        }
        return "127.0.0.1:" + brokerPort;
    }

    /** An admin client for this broker, created on first use and closed with the broker. */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
        }
        return admin;
    }

    /** Creates a topic with replication factor 1 and waits until the controller has created it. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try {
            admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name + " on " + bootstrapServers(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create topic " + name + " with " + partitions + " partitions and "
                    + configs + " on " + bootstrapServers(), e);
        }
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
    }

    private void format() {
        KafkaFiles.awaitFormatted(KafkaFiles.startFormat(dir, Uuid.randomUuid().toString(), log()), log(), START_LIMIT);
    }

    private Path log() {
        return dir.resolve("broker.log");
    }

    private void awaitReady(Process child) {
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try {
            if (child != null) {
                // The port opens first; an admin client before that only logs a warning per connection attempt.
                Awaitility.await("Kafka's port " + brokerPort).atMost(START_LIMIT).pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions().failFast("the broker JVM exited", () -> !child.isAlive())
                        .until(() -> Ports.listening(brokerPort));
            }
            try (Admin probe = Admin.create(conf)) {
                Awaitility.await("Kafka at " + bootstrapServers()).atMost(START_LIMIT).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions().failFast("the broker JVM exited", () -> child != null && !child.isAlive())
                        .until(() -> !probe.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty());
            }
        } catch (RuntimeException | AssertionError e) {
            String detail = child == null ? "It is the external cluster named by " + ENV_BOOTSTRAP + "; check that it runs."
                    : "Its log:\n" + Processes.tail(log(), 60);
            throw new IllegalStateException("The Kafka broker did not answer at " + bootstrapServers() + " within "
                    + START_LIMIT.toSeconds() + " s. " + detail, e);
        }
    }

    private void requireOwnProcess(String operation) {
        if (external != null) {
            throw new IllegalStateException("Cannot " + operation + " Kafka: it is the external cluster named by " + ENV_BOOTSTRAP
                    + "=" + external + ", which the testkit does not run. Unset " + ENV_BOOTSTRAP + " to run failure tests.");
        }
        if (process == null) {
            throw new IllegalStateException("Cannot " + operation + " the Kafka broker: it has not been started");
        }
    }
}
