package io.ferry.bench;

import io.ferry.core.config.JdbcTarget;
import io.ferry.sink.SqlDialect;
import io.ferry.testkit.SqlDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's JDBC sink connector in Kafka Connect standalone, in a child JVM whose class path is
 * only {@code bench/peer/target/peer-libs}: Debezium's dependencies (older gRPC and netty) must
 * never meet jetcd's on the bench's own class path (see the parent pom).
 *
 * <p>{@link #taskStartingNanos()} is when Connect logged that it starts the sink task (before it
 * subscribes and the connector opens its connection pool): the moment comparable to Ferry's
 * {@code JdbcSink.create}. The JVM's and the worker's own start-up are before it and are not
 * charged to the connector. {@link #taskStartedNanos()} is when the connector's {@code start}
 * returned (Hibernate and the pool ready), for a second, more lenient figure.
 */
final class DebeziumConnect implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DebeziumConnect.class);
    private static final String TASK_STARTING = "Initializing and starting task for topics";
    private static final String TASK_STARTED = "Sink task finished initialization and start";
    /** Standalone Connect keeps running when its task dies; this line is the only sign. */
    private static final String TASK_DIED = "Task threw an uncaught and unrecoverable exception";

    /** Ferry's sink applies up to {@code sink.batch.max.records} = 5000 per transaction; the peer gets the same. */
    static final int BATCH = 5000;

    private final ChildJvm child;
    private final long processStartNanos;
    private volatile long taskStartingNanos = -1;
    private volatile long taskStartedNanos = -1;
    private volatile boolean taskDied;

    private DebeziumConnect(Path libs, Path dir) throws IOException {
        processStartNanos = System.nanoTime();
        child = ChildJvm.start(List.of("-Xmx1g", "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                        "-cp", libs.toAbsolutePath() + "/*"),
                List.of("org.apache.kafka.connect.cli.ConnectStandalone", dir.resolve("worker.properties").toString(),
                        dir.resolve("connector.properties").toString()),
                null, this::watch);
    }

    /** Writes the configuration into {@code dir} and starts Connect with the connector. */
    static DebeziumConnect start(Path libs, Path dir, Map<String, String> worker, Map<String, String> connector)
            throws IOException {
        boolean present;
        try (var files = Files.list(libs)) {
            present = files.anyMatch(f -> f.getFileName().toString().startsWith("debezium-connector-jdbc-"));
        } catch (IOException e) {
            present = false;
        }
        if (!present) {
            throw new IllegalStateException("Debezium's jars are not in " + libs.toAbsolutePath() + "; bench/run copies "
                    + "them with: mvn -f bench/peer/pom.xml dependency:copy-dependencies -DoutputDirectory=target/peer-libs");
        }
        Files.writeString(dir.resolve("worker.properties"), properties(worker));
        Files.writeString(dir.resolve("connector.properties"), properties(connector));
        // INFO, not logback's default DEBUG: Kafka's debug logging would cost the connector CPU.
        Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <!-- DEBUG here only for the line that times the task's start: a few lines per poll. -->
                  <logger name="org.apache.kafka.connect.runtime.WorkerSinkTask" level="DEBUG"/>
                  <logger name="org.hibernate" level="WARN"/>
                  <logger name="com.mchange" level="WARN"/>
                  <root level="INFO"><appender-ref ref="out"/></root>
                </configuration>
                """);
        return new DebeziumConnect(libs, dir);
    }

    /** The worker settings: JSON with schemas for keys and values, as the connector's docs use. */
    static Map<String, String> worker(String bootstrap, Path dir) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bootstrap.servers", bootstrap);
        m.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        m.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        m.put("key.converter.schemas.enable", "true");
        m.put("value.converter.schemas.enable", "true");
        m.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        m.put("offset.flush.interval.ms", "10000");
        // A free port: the shared machine may run other Connect workers on the default 8083.
        m.put("listeners", "http://127.0.0.1:0");
        m.put("plugin.discovery", "only_scan");
        m.put("consumer.auto.offset.reset", "earliest");
        // Polls as large as the connector's batch, and fetches big enough to fill them.
        m.put("consumer.max.poll.records", Integer.toString(BATCH));
        m.put("consumer.max.partition.fetch.bytes", Integer.toString(16 * 1024 * 1024));
        m.put("consumer.fetch.max.bytes", Integer.toString(64 * 1024 * 1024));
        return m;
    }

    /**
     * The connector: upsert on the record key, deletes on. On PostgreSQL the connector creates its
     * table (schema evolution); on MariaDB it cannot (see {@link #prepareTable}), so the table is
     * there before it starts and schema evolution is off.
     */
    static Map<String, String> connector(String topic, SqlDatabase db, String table) {
        boolean postgres = db.kind() == SqlDatabase.Kind.POSTGRES;
        Map<String, String> m = new LinkedHashMap<>();
        // Its sink consumer group is named after it ("connect-<name>"): one per database, so each reads from the start.
        m.put("name", "bench-peer-debezium-" + db.kind().name().toLowerCase(Locale.ROOT));
        m.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        // One task, as Ferry's sink has one consumer thread and one connection.
        m.put("tasks.max", "1");
        m.put("topics", topic);
        // The driver option Ferry's sink also sets on each database: a JDBC batch of INSERTs goes as multi-row statements.
        m.put("connection.url", db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?")
                + (postgres ? "reWriteBatchedInserts=true" : "rewriteBatchedStatements=true"));
        m.put("connection.username", db.user());
        if (!db.password().isEmpty()) {
            m.put("connection.password", db.password());
        }
        m.put("insert.mode", "upsert");
        m.put("primary.key.mode", "record_key");
        m.put("primary.key.fields", "key");
        m.put("delete.enabled", "true");
        m.put("schema.evolution", postgres ? "basic" : "none");
        m.put("collection.name.format", table);
        m.put("batch.size", Integer.toString(BATCH));
        // Something on this shared server ends idle connections now and then (see WatermarkProbe); Ferry's sink
        // retries on a new connection, so the connector gets its equivalents: a pooled connection is checked
        // before use, and a connection error restarts the connection instead of killing the task.
        m.put("connection.restart.on.errors", "true");
        m.put("hibernate.c3p0.testConnectionOnCheckout", "true");
        if (postgres) {
            // Not its UNNEST fast path (dialect.postgres.unnest.insert.enabled): with bytes columns its batches fail
            // with "UnsupportedOperationException: byte[] nested inside Object[]" (3.5.0.Final, pgjdbc 42.7).
            m.put("dialect.postgres.unnest.insert.enabled", "false");
        } else {
            // Connector/J (the driver Ferry uses) names the product "MySQL", so Hibernate would pick its MySQL
            // dialect, and with it Debezium's, whose upsert for servers from 8.0.20 on ("INSERT ... AS new ON
            // DUPLICATE KEY UPDATE") MariaDB does not parse. Named here, Debezium takes its MariaDB dialect.
            m.put("hibernate.dialect", "org.hibernate.dialect.MariaDBDialect");
            // The column "key" is a reserved word in MySQL/MariaDB; the connector quotes nothing unless told.
            m.put("quote.identifiers", "true");
        }
        return m;
    }

    /**
     * Creates the connector's table where it cannot create a usable one itself, and returns the DDL
     * it ran (empty when none). On MySQL/MariaDB its schema evolution makes a Connect {@code bytes}
     * column a BLOB type, which cannot be a primary key without a prefix length; so the table there
     * is Ferry's own, from Ferry's MySQL dialect ({@code key VARBINARY(3072)} primary key,
     * {@code value LONGBLOB}, InnoDB): both sinks write into the same schema.
     */
    static List<String> prepareTable(SqlDatabase db, String table) throws SQLException {
        if (db.kind() == SqlDatabase.Kind.POSTGRES) {
            return List.of();
        }
        List<String> ddl = SqlDialect.of(JdbcTarget.Kind.MYSQL).tableMigrations(table).stream().flatMap(List::stream).toList();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String sql : ddl) {
                s.execute(sql);
            }
        }
        return ddl;
    }

    private void watch(String line) {
        if (taskStartingNanos < 0 && line.contains(TASK_STARTING)) {
            taskStartingNanos = System.nanoTime();
            LOG.info("Debezium's sink task starts, {} ms after its JVM", (taskStartingNanos - processStartNanos) / 1_000_000);
        } else if (taskStartedNanos < 0 && line.contains(TASK_STARTED)) {
            taskStartedNanos = System.nanoTime();
            LOG.info("Debezium's sink task started, {} ms after it began", (taskStartedNanos - taskStartingNanos) / 1_000_000);
        } else if (line.contains(TASK_DIED)) {
            taskDied = true;
        } else if (line.contains(" ERROR ")) {
            LOG.warn("connect: {}", line);
        }
    }

    long processStartNanos() {
        return processStartNanos;
    }

    /** -1 until the task starts. */
    long taskStartingNanos() {
        return taskStartingNanos;
    }

    /** -1 until the task has started. */
    long taskStartedNanos() {
        return taskStartedNanos;
    }

    /** Throws with its output from the first error on when the child exited or its task died. */
    void check() {
        if (!child.alive() || taskDied) {
            List<String> out = child.output();
            int from = out.size() - 40;
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).contains(" ERROR ")) {
                    from = i;
                    break;
                }
            }
            from = Math.max(0, from);
            throw new IllegalStateException((taskDied ? "Debezium's sink task died" : "Kafka Connect exited early")
                    + "; its output:\n" + String.join("\n", out.subList(from, Math.min(out.size(), from + 150))));
        }
    }

    double peakRssMiB() {
        return child.peakRssMiB();
    }

    private static String properties(Map<String, String> m) {
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
    }

    @Override
    public void close() throws InterruptedException {
        child.close();
    }
}
