package io.ferry.bench;

import io.etcd.jetcd.KV;
import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Side by side with a peer: the same N changes applied by Ferry's {@code JdbcSink} and by
 * Debezium's JDBC sink connector (Kafka Connect standalone, child JVM) into two fresh databases on
 * the same PostgreSQL server, one after the other in the same run. Its own data set, so it needs no
 * other scenario: N keys with binary names loaded into etcd, Ferry's watcher fills Ferry's topic,
 * and {@link PeerTopics} writes every change again in Debezium's format. Both databases must end
 * with the same rows, byte for byte.
 */
final class PeerScenario {

    private static final Logger LOG = LoggerFactory.getLogger(PeerScenario.class);
    static final String PREFIX = "/bench/peer/";
    static final String FERRY_TOPIC = "bench.peer.ferry";
    static final String PEER_TOPIC = "bench.peer.debezium";
    private static final String TABLE = "etcd_kv";
    private static final Duration LIMIT = Duration.ofMinutes(20);

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
        try (SqlDatabase ferryDb = stack.database(SqlDatabase.Kind.POSTGRES);
             SqlDatabase peerDb = stack.database(SqlDatabase.Kind.POSTGRES)) {
            FerryConfig config = FerryPipeline.config(stack, PREFIX, FERRY_TOPIC, ferryDb, "bench-peer-ferry");
            fillTopics(config, revision, n);
            double ferrySeconds = ferry(config, ferryDb, revision, n);
            Map<String, Object> peer = new LinkedHashMap<>();
            Timing peerTime = debezium(peerDb, n, peer);
            String ferryPrint = RowCount.fingerprint(ferryDb, TABLE);
            String peerPrint = RowCount.fingerprint(peerDb, TABLE);
            if (!ferryPrint.equals(peerPrint)) {
                throw new IllegalStateException("the two databases differ: Ferry " + ferryPrint + ", Debezium " + peerPrint);
            }
            double ferryRate = n / ferrySeconds;
            double peerRate = n / peerTime.fromTaskStart();
            Map<String, Object> ferry = new LinkedHashMap<>();
            ferry.put("sink_seconds", ferrySeconds);
            ferry.put("sink_rows_per_s", ferryRate);
            result.put("ferry", ferry);
            peer.put("sink_rows_per_s", peerRate);
            result.put("debezium", peer);
            result.put("same_rows", ferryPrint);
            double ratio = ferryRate / peerRate;
            result.ratioAtLeast("Versus Debezium's JDBC sink: Ferry rows/s / Debezium rows/s", ratio, 5.0);
            // The same without the connector's own start (Hibernate, pool) in a cold JVM: no target, for the reader.
            double lenient = ferryRate / (n / peerTime.afterConnectorStarted());
            result.ratio("Versus Debezium's JDBC sink, its start-up not counted: Ferry rows/s / Debezium rows/s", lenient);
            result.summary("peer, %,d records into PostgreSQL: Ferry %,.0f rows/s, Debezium JDBC sink %,.0f rows/s = %.2fx"
                    + " (%.2fx without the connector's start-up)", n, ferryRate, peerRate, ratio, lenient);
        }
    }

    /** Ferry's topic by its watcher, and Debezium's copy of it; both complete when this returns. */
    private void fillTopics(FerryConfig config, long revision, int n) throws InterruptedException {
        stack.createTopic(FERRY_TOPIC, FerryPipeline.PARTITIONS);
        stack.kafka.createTopic(PEER_TOPIC, FerryPipeline.PARTITIONS,
                Map.of("max.message.bytes", Integer.toString(KafkaBroker.MAX_MESSAGE_BYTES)));
        long copied;
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
