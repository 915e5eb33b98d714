package io.ferry.cli.embedded;

import io.ferry.core.FerryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft mode (broker and controller in one node) inside the ferry
 * process, for {@code kafka.bootstrap: embedded}. Its log lives in a directory that outlives the
 * process, so the change log can be replayed after a restart like any broker's. The ports are
 * chosen once and kept in that directory, so the node keeps its identity across restarts.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String PORTS_FILE = "ferry-ports.properties";

    private final KafkaRaftServer server;
    private final String bootstrap;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, String bootstrap) {
        this.server = server;
        this.bootstrap = bootstrap;
    }

    /** Formats {@code dir} on first use, starts the broker and returns once it accepts clients. */
    public static EmbeddedKafka start(Path dir) {
        try {
            Files.createDirectories(dir);
            Properties ports = ports(dir);
            Properties props = serverProperties(dir, Integer.parseInt(ports.getProperty("broker")),
                    Integer.parseInt(ports.getProperty("controller")));
            Path logDir = dir.resolve("log");
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(dir, props);
            }
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + ports.getProperty("broker");
            LOG.info("Embedded Kafka broker (KRaft) listening on {}, log in {}", bootstrap, logDir.toAbsolutePath());
            return new EmbeddedKafka(server, bootstrap);
        } catch (IOException | RuntimeException e) {
            throw new FerryException("cannot start the embedded Kafka broker in " + dir.toAbsolutePath() + ": " + e.getMessage()
                    + ". Check that the directory is writable and not used by another ferry process (kafka.embedded.dir),"
                    + " or point kafka.bootstrap at a running broker.", e);
        }
    }

    /**
     * The address of the embedded broker that a {@code ferry run} keeps in {@code dir}, for other
     * commands ({@code status}, {@code reconcile --repair}) run beside it. Empty when none was ever started there.
     */
    public static java.util.Optional<String> addressOf(Path dir) {
        Path file = dir.resolve(PORTS_FILE);
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        try (Reader r = Files.newBufferedReader(file)) {
            Properties ports = new Properties();
            ports.load(r);
            return java.util.Optional.of("127.0.0.1:" + ports.getProperty("broker"));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.shutdown();
            server.awaitShutdown();
            LOG.info("Embedded Kafka broker stopped");
        }
    }

    private static Properties serverProperties(Path dir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("log").toAbsolutePath().toString());
        // A single node: every internal topic has one replica.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Otherwise Apache's defaults, auto-creation of topics included: the watcher makes Ferry's topics
        // with the settings they need (compacted, records up to watcher.max.message.bytes) before any
        // client of Ferry's uses them, as it must on a user's broker.
        // The log cleaner takes its whole dedupe buffer from the heap at start-up: 128 MiB by
        // default, a quarter of bin/ferry's 512 MiB heap, for compacted topics that here hold a
        // few thousand keys (group offsets, transaction state, checkpoints).
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20));
        return p;
    }

    private static void format(Path dir, Properties props) throws IOException {
        Path file = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            props.store(w, "written by ferry for the embedded broker");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString(),
                "--ignore-formatted"}, new PrintStream(out, true, StandardCharsets.UTF_8));
        if (exit != 0) {
            throw new FerryException("formatting the embedded broker's log directory failed: " + out.toString(StandardCharsets.UTF_8));
        }
    }

    private static Properties ports(Path dir) throws IOException {
        Path file = dir.resolve(PORTS_FILE);
        Properties ports = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                ports.load(r);
            }
            return ports;
        }
        ports.setProperty("broker", Integer.toString(freePort()));
        ports.setProperty("controller", Integer.toString(freePort()));
        ports.setProperty("id", UUID.randomUUID().toString());
        try (Writer w = Files.newBufferedWriter(file)) {
            ports.store(w, "ports of ferry's embedded Kafka broker, kept so the node keeps its identity");
        }
        return ports;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
