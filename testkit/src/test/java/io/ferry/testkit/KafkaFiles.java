package io.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The files a single-node KRaft broker needs: {@code server.properties} and logging configuration
 * for the child JVM. Kafka logs through SLF4J, which binds to Logback on the test class path, and
 * also touches Log4j 2 directly; both are given a file so that neither falls back to DEBUG on stdout.
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

    static Path writeServerProperties(Path dir, int brokerPort, int controllerPort, Map<String, String> overrides) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toString());
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
        Path file = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "Single-node KRaft broker written by io.ferry.testkit.KafkaBroker");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
        return file;
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
