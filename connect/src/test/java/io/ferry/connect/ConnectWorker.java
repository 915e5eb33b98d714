package io.ferry.connect;

import io.ferry.testkit.Ports;
import io.ferry.testkit.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka Connect worker in standalone mode, run as a child process the way an operator runs
 * one: its class path is Kafka Connect alone ({@code connect/worker/target/libs}), and the
 * connectors and transforms come from its {@code plugin.path}: Debezium's JDBC sink as Debezium
 * publishes it, and Ferry's plugin jar copied into a directory of its own. Nothing of the test's
 * class path (jetcd, the watcher, this module's classes) reaches it.
 */
final class ConnectWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectWorker.class);
    private static final Duration START_LIMIT = Duration.ofMinutes(2);

    private final Process process;
    private final Path log;
    private final int restPort;
    private final String connector;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ConnectWorker(Process process, Path log, int restPort, String connector) {
        this.process = process;
        this.log = log;
        this.restPort = restPort;
        this.connector = connector;
    }

    /**
     * Writes the settings into {@code dir}, starts the worker with the connector, and waits until the
     * connector's task runs.
     *
     * @param worker the worker's settings; {@code plugin.path}, {@code listeners} and the offsets file are set here
     * @param connector the connector's settings
     */
    static ConnectWorker start(Path dir, Map<String, String> worker, Map<String, String> connector) throws IOException {
        Path workerDir = Path.of(System.getProperty("ferry.connect.worker.dir", "worker/target"));
        Path libs = workerDir.resolve("libs");
        Path debezium = workerDir.resolve("plugins");
        Path pluginJar = Path.of(System.getProperty("ferry.connect.jar", "target/ferry-connect.jar"));
        for (Path required : List.of(libs, debezium.resolve("debezium-connector-jdbc"), pluginJar)) {
            if (!Files.exists(required)) {
                throw new IllegalStateException(required.toAbsolutePath() + " is missing; build with "
                        + "mvn -pl connect -am verify, which packages the plugin and copies the worker's files");
            }
        }
        Path ferryPlugins = Files.createDirectories(dir.resolve("ferry-plugins"));
        Files.copy(pluginJar, ferryPlugins.resolve(pluginJar.getFileName()));

        int restPort = Ports.free();
        Map<String, String> w = new java.util.LinkedHashMap<>(worker);
        w.put("plugin.path", ferryPlugins.toAbsolutePath() + "," + debezium.toAbsolutePath());
        w.put("listeners", "http://127.0.0.1:" + restPort);
        w.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        // Every plugin here declares itself in META-INF/services, so the worker need not scan the jars' classes.
        w.put("plugin.discovery", "service_load");
        Files.writeString(dir.resolve("worker.properties"), properties(w));
        Files.writeString(dir.resolve("connector.properties"), properties(connector));
        Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.hibernate" level="WARN"/>
                  <logger name="com.mchange" level="WARN"/>
                  <logger name="org.apache.kafka.clients" level="WARN"/>
                  <root level="INFO"><appender-ref ref="out"/></root>
                </configuration>
                """);
        Path log = dir.resolve("connect.log");
        // C1 only and a small heap, as the testkit's broker: a test worker lives minutes on a shared 2-core machine.
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true", "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-cp", libs.toAbsolutePath() + "/*",
                "org.apache.kafka.connect.cli.ConnectStandalone",
                dir.resolve("worker.properties").toString(), dir.resolve("connector.properties").toString());
        Process process = Processes.start(command, log, Map.of());
        ConnectWorker started = new ConnectWorker(process, log, restPort, connector.get("name"));
        try {
            started.awaitTaskRunning();
        } catch (RuntimeException | AssertionError e) {
            started.close();
            throw e;
        }
        LOG.info("Kafka Connect (pid {}) runs connector {} with REST on port {}; log {}", process.pid(),
                connector.get("name"), restPort, log);
        return started;
    }

    private void awaitTaskRunning() {
        try {
            Awaitility.await("the task of connector " + connector + " to run").atMost(START_LIMIT)
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .failFast("Kafka Connect exited", () -> !process.isAlive())
                    .until(() -> {
                        String status = status();
                        failIfTaskFailed(status);
                        return status.contains("\"tasks\":[{\"id\":0,\"state\":\"RUNNING\"");
                    });
        } catch (RuntimeException | AssertionError e) {
            throw new IllegalStateException("Kafka Connect's connector " + connector + " did not run within "
                    + START_LIMIT.toSeconds() + " s. " + Processes.tail(log, 80), e);
        }
    }

    /** Throws with the worker's own words when its process died or the connector's task failed. */
    void check() {
        if (!process.isAlive()) {
            throw new IllegalStateException("Kafka Connect exited with code " + process.exitValue() + ". "
                    + Processes.tail(log, 80));
        }
        try {
            failIfTaskFailed(status());
        } catch (IOException e) {
            throw new UncheckedIOException("asking Kafka Connect's REST API for the connector's status", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void failIfTaskFailed(String status) {
        if (status.contains("\"state\":\"FAILED\"")) {
            throw new IllegalStateException("Kafka Connect's connector " + connector + " failed: "
                    + status.replace("\\n", "\n").replace("\\t", "\t"));
        }
    }

    /** The connector's status as the REST API gives it (JSON). */
    String status() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + restPort + "/connectors/" + connector + "/status"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    Path log() {
        return log;
    }

    private static String properties(Map<String, String> m) {
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
    }

    /** SIGTERM (Connect stops its tasks and commits), SIGKILL after 30 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            Processes.stop(process, Duration.ofSeconds(30));
        }
    }
}
