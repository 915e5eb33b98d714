package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.testkit.Await;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code ferry run} process on the testkit's servers, with the configuration file it reads and
 * the operator commands the end-to-end tests run beside it.
 */
final class FerryRun implements AutoCloseable {

    private final Path dir;
    private final Path config;
    private final List<String> lines;
    private final TargetDatabase db;
    private Process process;

    private FerryRun(Path dir, Path config, List<String> lines, TargetDatabase db) {
        this.dir = dir;
        this.config = config;
        this.lines = lines;
        this.db = db;
    }

    /** Writes the configuration for {@code prefix} into {@code dir}; {@code extra} lines are appended. */
    static FerryRun configure(Path dir, EtcdServer etcd, KafkaBroker kafka, SqlDatabase db, String prefix, String topic,
                              String... extra) throws Exception {
        return configure(dir, etcd.endpoint(), kafka.bootstrapServers(), TargetDatabase.of(db), prefix, topic, extra);
    }

    /** As above, for any target database, a secured one among them. */
    static FerryRun configure(Path dir, EtcdServer etcd, KafkaBroker kafka, TargetDatabase db, String prefix, String topic,
                              String... extra) throws Exception {
        return configure(dir, etcd.endpoint(), kafka.bootstrapServers(), db, prefix, topic, extra);
    }

    /** The same, for servers given by their addresses (a cluster's endpoints, say). */
    static FerryRun configure(Path dir, String etcdEndpoints, String kafkaBootstrap, SqlDatabase db, String prefix, String topic,
                              String... extra) throws Exception {
        return configure(dir, etcdEndpoints, kafkaBootstrap, TargetDatabase.of(db), prefix, topic, extra);
    }

    /** The one that writes the file: servers by their addresses, any target database. */
    static FerryRun configure(Path dir, String etcdEndpoints, String kafkaBootstrap, TargetDatabase db, String prefix,
                              String topic, String... extra) throws Exception {
        List<String> lines = new ArrayList<>(List.of("etcd.endpoints: " + etcdEndpoints, "etcd.prefix: " + prefix,
                "kafka.bootstrap: " + kafkaBootstrap, "kafka.topic: " + topic, "kafka.topic.partitions: 3"));
        lines.addAll(db.config());
        if (Stream.of(extra).noneMatch(l -> l.startsWith("http.port:"))) {
            lines.add("http.port: 0");
        }
        lines.addAll(List.of(extra));
        return new FerryRun(dir, write(dir.resolve("ferry.yaml"), lines), lines, db);
    }

    private static Path write(Path file, List<String> lines) throws java.io.IOException {
        return Files.writeString(file, String.join("\n", lines) + "\n");
    }

    /**
     * A copy of this configuration with the {@code overrides} lines ({@code key: value}) in place of the
     * lines of the same keys, e.g. another database user; written as {@code name} in the directory.
     */
    Path variant(String name, String... overrides) throws Exception {
        List<String> keys = Stream.of(overrides).map(o -> o.substring(0, o.indexOf(':') + 1)).toList();
        List<String> out = new ArrayList<>(lines.stream().filter(l -> keys.stream().noneMatch(l::startsWith)).toList());
        out.addAll(List.of(overrides));
        return write(dir.resolve(name), out);
    }

    /** The configuration file. */
    Path config() {
        return config;
    }

    FerryRun start() throws Exception {
        process = Cli.start(dir, "run", "-c", config.toString());
        return this;
    }

    /** kill -9, as a crash would: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** Runs {@code ferry <command> -c ferry.yaml <args>}. */
    Cli.Result command(String command, String... args) throws Exception {
        return command(config, command, args);
    }

    /** Runs {@code ferry <command> -c <configFile> <args>}, e.g. with a {@link #variant}. */
    Cli.Result command(Path configFile, String command, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(command, "-c", configFile.toString()));
        all.addAll(List.of(args));
        return Cli.run(dir, all.toArray(new String[0]));
    }

    JsonNode status() throws Exception {
        Cli.Result r = command("status", "--json");
        assertEquals(0, r.exit(), r.toString());
        return new ObjectMapper().readTree(r.out());
    }

    /** Waits until every partition's stored watermark has reached {@code revision}; returns that status. */
    JsonNode awaitSinkAt(long revision, Duration limit) {
        return Await.until("the sink at revision " + revision, limit, Duration.ofSeconds(1), () -> {
            assertTrue(alive(), () -> "ferry run died:\n" + Cli.tail(dir));
            return status();
        }, s -> s.get("sink").get("min_watermark").asLong() >= revision, () -> "\n" + Cli.tail(dir));
    }

    /** Runs {@code ferry reconcile} until it comes back clean, as after a repair. */
    void awaitClean(Duration limit) {
        Await.until("ferry reconcile clean", limit, Duration.ofSeconds(1), () -> command("reconcile"), r -> r.exit() == 0);
    }

    /** Changes exactly one row behind the sink's back, as an operator or a bug might. */
    void damage(String statement, String... params) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                ps.setBytes(i + 1, params[i].getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(1, ps.executeUpdate(), statement);
        }
    }

    @Override
    public void close() {
        if (alive()) {
            process.destroy();
            try {
                process.waitFor(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
