package io.ferry.bench;

import io.etcd.jetcd.KV;
import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Side by side with a peer: the same N changes applied by Ferry's {@code JdbcSink} and by
 * Debezium's JDBC sink connector (Kafka Connect standalone, child JVM) into two fresh databases on
 * the same server, one after the other, first on PostgreSQL, then on MariaDB, in the same run. Its
 * own data set, so it needs no other scenario: N keys with binary names loaded into etcd once,
 * Ferry's watcher fills Ferry's topic, and {@link PeerTopics} writes every change again in
 * Debezium's format; each database's pair of sinks reads those two topics from the start. All four
 * databases must end with the same rows, byte for byte ({@link RowCount#fingerprint}).
 *
 * <p>On PostgreSQL the connector creates its table by schema evolution. On MariaDB it cannot make
 * a binary primary key (a BLOB key needs a prefix length), so the bench creates the connector's
 * table with Ferry's own DDL for MySQL/MariaDB (key {@code VARBINARY(3072)}, value
 * {@code LONGBLOB}) and sets {@code schema.evolution=none} there; the connector's settings of each
 * database are in the result, with that DDL ({@link DebeziumConnect#connector},
 * {@link DebeziumConnect#prepareTable}).
 */
final class PeerScenario {

    private static final Logger LOG = LoggerFactory.getLogger(PeerScenario.class);
    static final String PREFIX = "/bench/peer/";
    static final String FERRY_TOPIC = "bench.peer.ferry";
    static final String PEER_TOPIC = "bench.peer.debezium";
    private static final String TABLE = "etcd_kv";
    private static final Duration LIMIT = Duration.ofMinutes(20);
    /** Issue 25: at least ten times Debezium's rate, on each database. */
    private static final double TARGET = 10.0;

    private final Stack stack;
    private final BenchSettings settings;

    PeerScenario(Stack stack, BenchSettings settings) {
        this.stack = stack;
        this.settings = settings;
    }

    void run(ScenarioResult result) throws Exception {
        int n = settings.keys();
        KV kv = stack.etcd.client().getKVClient();
        LoadReport load = new LoadGenerator(kv).run(LoadProfile.bulk(PREFIX, n, settings.valueBytes(), true), AckListener.NONE);
        if (load.keysWritten() != n) {
            throw new IllegalStateException("the bulk load wrote " + load.keysWritten() + " of " + n + " keys");
        }
        long revision = SnapshotScenario.currentRevision(kv);
        result.put("records", n).put("value_bytes", settings.valueBytes()).put("binary_keys", true);
        fillTopics(revision, n);
        List<String> summary = new ArrayList<>();
        String sameRows = null;
        for (SqlDatabase.Kind kind : List.of(SqlDatabase.Kind.POSTGRES, SqlDatabase.Kind.MARIADB)) {
            String name = kind.name().toLowerCase(Locale.ROOT);
            LOG.info("Peer: {} records into {}", n, name);
            try (SqlDatabase ferryDb = stack.database(kind); SqlDatabase peerDb = stack.database(kind)) {
                // A consumer group per database, so that each of Ferry's sinks reads the topic from its start.
                FerryConfig config = FerryPipeline.config(stack, PREFIX, FERRY_TOPIC, ferryDb, "bench-peer-ferry-" + name);
                double ferrySeconds = ferry(config, ferryDb, revision, n);
                Map<String, Object> peer = new LinkedHashMap<>();
                Timing peerTime = debezium(peerDb, n, peer);
                String ferryPrint = RowCount.fingerprint(ferryDb, TABLE);
                String peerPrint = RowCount.fingerprint(peerDb, TABLE);
                if (!ferryPrint.equals(peerPrint)) {
                    throw new IllegalStateException(name + ": the two databases differ: Ferry " + ferryPrint
                            + ", Debezium " + peerPrint);
                }
                if (sameRows != null && !sameRows.equals(ferryPrint)) {
                    throw new IllegalStateException(name + " holds other rows than postgres: " + ferryPrint + ", not " + sameRows);
                }
                sameRows = ferryPrint;
                double ferryRate = n / ferrySeconds;
                double peerRate = n / peerTime.fromTaskStart();
                Map<String, Object> ferry = new LinkedHashMap<>();
                ferry.put("sink_seconds", ferrySeconds);
                ferry.put("sink_rows_per_s", ferryRate);
                peer.put("sink_rows_per_s", peerRate);
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("ferry", ferry);
                figures.put("debezium", peer);
                result.put(name, figures);
                double ratio = ferryRate / peerRate;
                // The same without the connector's own start (Hibernate, pool) in a cold JVM: no target, for the reader.
                double lenient = ferryRate / (n / peerTime.afterConnectorStarted());
                // PostgreSQL keeps the labels of the runs before MariaDB joined, so that its line stays comparable.
                String versus = "Versus Debezium's JDBC sink" + (kind == SqlDatabase.Kind.POSTGRES ? "" : " on " + name);
                result.ratioAtLeast(versus + ": Ferry rows/s / Debezium rows/s", ratio, TARGET);
                result.ratio(versus + ", its start-up not counted: Ferry rows/s / Debezium rows/s", lenient);
                summary.add(String.format(Locale.ROOT, "%s: Ferry %,.0f rows/s, Debezium JDBC sink %,.0f rows/s = %.2fx"
                        + " (%.2fx without the connector's start-up)", name, ferryRate, peerRate, ratio, lenient));
            }
        }
        result.put("same_rows", sameRows);
        result.summary("peer, %,d records: %s", n, String.join("; ", summary));
    }

    /** Ferry's topic by its watcher, and Debezium's copy of it; both complete when this returns. */
    private void fillTopics(long revision, int n) throws InterruptedException {
        stack.createTopic(FERRY_TOPIC, FerryPipeline.PARTITIONS);
        stack.kafka.createTopic(PEER_TOPIC, FerryPipeline.PARTITIONS,
                Map.of("max.message.bytes", Integer.toString(KafkaBroker.MAX_MESSAGE_BYTES)));
        long copied;
        FerryConfig config = FerryPipeline.watcherConfig(stack, PREFIX, FERRY_TOPIC);
        try (FerryPipeline watcher = FerryPipeline.watcherOnly(config, new SimpleMeterRegistry())) {
            copied = PeerTopics.copy(stack, FERRY_TOPIC, PEER_TOPIC, FerryPipeline.PARTITIONS, revision, watcher, LIMIT);
        }
        if (copied != n) {
            throw new IllegalStateException("Ferry's topic holds " + copied + " change events, not " + n);
        }
        LOG.info("Peer: both topics hold {} changes", n);
    }

    /** Timed as the replay scenario times it: sink start until the SQL watermark reaches the revision. */
    private static double ferry(FerryConfig config, SqlDatabase db, long revision, int n) throws Exception {
        try (WatermarkProbe probe = new WatermarkProbe(db, FERRY_TOPIC)) {
            long start = System.nanoTime();
            double seconds;
            try (FerryPipeline sink = FerryPipeline.sinkOnly(config, new SimpleMeterRegistry())) {
                probe.await(revision, sink, LIMIT);
                seconds = (System.nanoTime() - start) / 1e9;
            }
            long rows = probe.count(TABLE);
            if (rows != n) {
                throw new IllegalStateException("Ferry's database holds " + rows + " rows, not " + n);
            }
            LOG.info("Peer: Ferry's sink applied {} records in {} s", n, seconds);
            return seconds;
        }
    }

    /** Seconds until Debezium's table holds N rows: from the task's start, and from the connector's start returning. */
    private record Timing(double fromTaskStart, double afterConnectorStarted) {
    }

    private Timing debezium(SqlDatabase db, int n, Map<String, Object> figures) throws Exception {
        Path dir = Files.createTempDirectory("ferry-bench-connect-");
        try {
            Map<String, String> worker = DebeziumConnect.worker(stack.kafka.bootstrapServers(), dir);
            Map<String, String> connector = DebeziumConnect.connector(PEER_TOPIC, db, TABLE);
            List<String> ddl = DebeziumConnect.prepareTable(db, TABLE);
            long end;
            long taskStarting;
            long taskStarted;
            long processStart;
            double rss;
            try (RowCount count = new RowCount(db, TABLE);
                 DebeziumConnect connect = DebeziumConnect.start(settings.peerLibs(), dir, worker, connector)) {
                long deadline = System.nanoTime() + LIMIT.toNanos();
                while (count.rows() < n) {
                    connect.check();
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Debezium's sink did not write " + n + " rows within "
                                + LIMIT.toSeconds() + " s (" + count.rows() + " so far)");
                    }
                    Thread.sleep(50); // COUNT(*) scans the table: poll less often than the watermark
                }
                end = System.nanoTime();
                taskStarting = connect.taskStartingNanos();
                taskStarted = connect.taskStartedNanos();
                processStart = connect.processStartNanos();
                rss = connect.peakRssMiB();
            }
            if (taskStarting < 0 || taskStarted < 0) {
                throw new IllegalStateException("Connect never logged the task's start; cannot time the connector");
            }
            Timing timing = new Timing((end - taskStarting) / 1e9, (end - taskStarted) / 1e9);
            figures.put("sink_seconds_from_task_start", timing.fromTaskStart());
            figures.put("sink_seconds_after_connector_started", timing.afterConnectorStarted());
            figures.put("seconds_from_jvm_start", (end - processStart) / 1e9);
            figures.put("connect_jvm_peak_rss_mib", rss);
            connector.remove("connection.url");
            figures.put("connector_settings", new LinkedHashMap<>(connector));
            if (!ddl.isEmpty()) {
                figures.put("table_created_by_bench", ddl);
            }
            figures.put("worker_consumer_settings", consumerSettings(worker));
            LOG.info("Peer: Debezium's sink applied {} records in {} s", n, timing.fromTaskStart());
            return timing;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Map<String, Object> consumerSettings(Map<String, String> worker) {
        Map<String, Object> m = new LinkedHashMap<>();
        worker.forEach((k, v) -> {
            if (k.startsWith("consumer.") || k.contains("converter")) {
                m.put(k, v);
            }
        });
        return m;
    }
}
