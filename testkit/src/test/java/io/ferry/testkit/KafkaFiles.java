package io.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * What a KRaft node run by the testkit needs, for {@link KafkaBroker} and {@link KafkaCluster} alike:
 * {@code server.properties}, logging configuration for the child JVM, the command that starts that
 * JVM and the formatting of its storage. Kafka logs through SLF4J, which binds to Logback on the test
 * class path, and also touches Log4j 2 directly; both are given a file so that neither falls back to
 * DEBUG on stdout.
 */
final class KafkaFiles {

    /**
     * A topic-level {@code max.message.bytes} big enough for the 4 MiB records the pipeline must carry,
     * with room for batch overhead, for tests that create topics for large records themselves. The
     * broker keeps Apache's default (about 1 MiB), as Ferry's users run it.
     */
    static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    private KafkaFiles() {
    }

    /**
     * The settings of a single-node broker: {@link #nodeProperties}, internal topics that fit on one
     * node, settings that make the tests faster, then {@code overrides}.
     */
    static Path writeServerProperties(Path dir, int brokerPort, int controllerPort, Map<String, String> overrides) {
        Properties p = nodeProperties(1, "1@127.0.0.1:" + controllerPort, brokerPort, controllerPort, dir.resolve("data"));
        // A single node can hold only one replica of anything, internal topics included.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // Apache's defaults otherwise, as users run the broker: topics are created on first use
        // (auto.create.topics.enable=true) with 1 partition and replication factor 1, and records are
        // limited to about 1 MiB unless a topic says otherwise, so Ferry must make and check its own.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Two cores are shared by everything; the defaults are sized for real brokers.
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("background.threads", "2");
        // After kill -9 the restarted node must wait out its old registration's session before it may
        // register again; the default 9 s made every crash test 9 s slower. 4 s still tolerates GC pauses.
        p.setProperty("broker.heartbeat.interval.ms", "1000");
        p.setProperty("broker.session.timeout.ms", "4000");
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        overrides.forEach(p::setProperty);
        return store(p, dir.resolve("server.properties"), "Single-node KRaft broker written by io.ferry.testkit.KafkaBroker");
    }

    /**
     * What every node needs and nothing more: KRaft combined mode (broker and controller in one
     * process), its node id, the static controller quorum {@code voters}
     * ({@code id@127.0.0.1:port,...}), its two loopback listeners and its log directory. Everything
     * else is Kafka's default.
     */
    static Properties nodeProperties(int nodeId, String voters, int brokerPort, int controllerPort, Path logDir) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(nodeId));
        p.setProperty("controller.quorum.voters", voters);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        return p;
    }

    static Path store(Properties p, Path file, String comment) {
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, comment);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
        return file;
    }

    /**
     * Starts formatting the log directories of {@code dir/server.properties} for cluster {@code clusterId}
     * (Kafka's StorageTool, output to {@code log}); {@link #awaitFormatted} waits for it. Every node of a
     * cluster is formatted with the same cluster id, once, before its first start.
     */
    static Process startFormat(Path dir, String clusterId, Path log) {
        return Processes.start(KafkaJvm.command(dir, "kafka.tools.StorageTool", "format", "-t", clusterId,
                "-c", dir.resolve("server.properties").toString()), log, Map.of());
    }

    static void awaitFormatted(Process formatter, Path log, Duration limit) {
        int exit = Processes.await(formatter, limit);
        if (exit != 0) {
            throw new IllegalStateException("Formatting the Kafka log directory failed (exit code " + exit + "). "
                    + Processes.tail(log, 40));
        }
    }

    static Path writeLogback(Path dir) {
        String xml = """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="kafka.request.logger" level="WARN"/>
                  <logger name="state.change.logger" level="WARN"/>
                  <logger name="org.apache.kafka.clients" level="WARN"/>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """;
        return write(dir.resolve("logback.xml"), xml);
    }

    static Path writeLog4j2(Path dir) {
        String xml = """
                <Configuration status="WARN">
                  <Appenders><Console name="OUT" target="SYSTEM_OUT"><PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level %c - %m%n"/></Console></Appenders>
                  <Loggers><Root level="WARN"><AppenderRef ref="OUT"/></Root></Loggers>
                </Configuration>
                """;
        return write(dir.resolve("log4j2.xml"), xml);
    }

    static String classPath() {
        // With useManifestOnlyJar=false this is the full test class path; if it is a single booter
        // jar instead, the JVM follows that jar's manifest Class-Path, so passing it on still works.
        try {
            Class.forName("kafka.Kafka", false, KafkaFiles.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("kafka.Kafka is not on the test class path; depend on ferry-testkit (test-jar), "
                    + "which brings org.apache.kafka:kafka_2.13", e);
        }
        return System.getProperty("java.class.path");
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }
}
