package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ready} of a real {@code ferry run} follows the sink, not only the watcher (issue 21): it answers
 * 503 while the sink's watermark lags etcd by more than {@code http.ready.max.lag.revisions} (the database
 * is locked, so nothing commits, while the watcher keeps up), 200 again once the sink has caught up, and
 * 503 while a partition is halted on a bad record, while {@code /health} stays 200.
 */
@Timeout(300)
class ReadinessIT {

    private static final int MAX_LAG = 20;

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.sqlite();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readyFollowsTheSinksWatermarksAndHaltedPartitions() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        try (FerryRun ferry = FerryRun.configure(dir, ETCD, KAFKA, DB, "/ready/", "ready.changes", "http.port: " + port,
                "http.ready.max.lag.revisions: " + MAX_LAG).start()) {
            put("/ready/first", "1");
            awaitAnswer(base + "/ready", 200, "ready", ferry);

            // The database is locked: the sink applies nothing and retries, while etcd and the watcher move on.
            try (Connection lock = DB.connect(); Statement st = lock.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                for (int i = 0; i < 2 * MAX_LAG; i++) {
                    put("/ready/k" + i, "v" + i);
                }
                awaitAnswer(base + "/ready", 503, "revisions behind etcd (more than http.ready.max.lag.revisions, "
                        + MAX_LAG + ")", ferry);
                assertEquals(200, get(base + "/health").statusCode());
                st.execute("ROLLBACK");
            }
            awaitAnswer(base + "/ready", 200, "ready", ferry);

            // A record that no watcher wrote, on partition 0: the sink halts that partition.
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    KAFKA.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("ready.changes", 0, "/ready/bad".getBytes(StandardCharsets.UTF_8),
                        "not an envelope".getBytes(StandardCharsets.UTF_8))).get();
            }
            awaitAnswer(base + "/ready", 503, "sink partition [0] is halted on a bad record", ferry);
            assertEquals(200, get(base + "/health").statusCode(), "a halted partition does not make the process dead");
            assertTrue(get(base + "/metrics").body().contains("ferry_sink_partitions_halted 1"));
        }
    }

    private void awaitAnswer(String url, int status, String text, FerryRun ferry) {
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .alias(url + " answering " + status + " with '" + text + "'").until(() -> {
                    assertTrue(ferry.alive(), () -> "ferry run died:\n" + Cli.tail(dir));
                    try {
                        HttpResponse<String> r = get(url);
                        return r.statusCode() == status && r.body().contains(text);
                    } catch (java.io.IOException e) {
                        return false; // not serving yet
                    }
                });
    }

    private static void put(String key, String value) throws Exception {
        ETCD.client().getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8),
                ByteSequence.from(value, StandardCharsets.UTF_8)).get();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
