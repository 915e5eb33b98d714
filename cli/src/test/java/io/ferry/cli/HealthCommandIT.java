package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.Ports;
import io.ferry.testkit.SqlDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * {@code ferry health}, the packaged jar as a container's healthcheck runs it, against a real {@code ferry run}
 * on the testkit's etcd, Kafka and SQLite, reading the same configuration file: exit 0 while the process is
 * healthy and ready, 1 with the reason while {@code /ready} answers 503 (a partition halted on a bad record; the
 * token in the file is sent, so the reason is given), 2 naming the address once nothing listens. The 503 of a
 * failed component is checked in-process by HealthCommandTest.
 */
@Timeout(300)
class HealthCommandIT {

    private static final String TOKEN = "health-it-token-0123456789";

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.sqlite();

    @TempDir
    Path dir;

    @Test
    void exitCodesFollowTheRunningProcess() throws Exception {
        int port = Ports.free();
        String address = "http://127.0.0.1:" + port;
        FerryRun ferry = FerryRun.configure(dir, ETCD, KAFKA, DB, "/health/", "health.changes", "http.port: " + port,
                "http.token: " + TOKEN);
        try (ferry) {
            ferry.start();
            put("/health/first", "1");
            awaitStatus(address + "/ready", 200, ferry);

            Cli.Result healthy = ferry.command("health");
            assertEquals(0, healthy.exit(), healthy.toString());
            assertEquals(address + "/health: ok", healthy.out().strip());
            Cli.Result ready = ferry.command("health", "--ready");
            assertEquals(0, ready.exit(), ready.toString());
            assertEquals(address + "/ready: ready", ready.out().strip());

            // A record that no watcher wrote, on partition 0: the sink halts that partition and /ready answers 503.
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    KAFKA.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("health.changes", 0, "/health/bad".getBytes(StandardCharsets.UTF_8),
                        "not an envelope".getBytes(StandardCharsets.UTF_8))).get();
            }
            awaitStatus(address + "/ready", 503, ferry);
            Cli.Result halted = ferry.command("health", "--ready");
            assertEquals(1, halted.exit(), halted.toString());
            assertEquals(address + "/ready: not ready: sink partition [0] is halted on a bad record", halted.out().strip()
                    .replaceAll("(halted on a bad record).*", "$1"), halted.out());
            assertEquals(1, halted.out().strip().lines().count(), halted.out());
            Cli.Result stillAlive = ferry.command("health");
            assertEquals(0, stillAlive.exit(), "a halted partition does not make the process dead: " + stillAlive);
        }
        assertTrue(!ferry.alive(), "ferry run stopped");

        Cli.Result gone = ferry.command("health");
        assertEquals(2, gone.exit(), gone.toString());
        assertEquals("ferry health: nothing answers on " + address + "/health: connection refused", gone.err().strip());
    }

    private static void awaitStatus(String url, int status, FerryRun ferry) {
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .alias(url + " answering " + status).until(() -> {
                    assertTrue(ferry.alive(), "ferry run died");
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == status;
                    } catch (java.io.IOException e) {
                        return false; // not serving yet
                    }
                });
    }

    private static void put(String key, String value) throws Exception {
        ETCD.client().getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8),
                ByteSequence.from(value, StandardCharsets.UTF_8)).get();
    }
}
