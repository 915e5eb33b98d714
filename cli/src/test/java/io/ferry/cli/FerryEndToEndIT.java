package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path through the packaged {@code ferry} command, on real etcd, Kafka and PostgreSQL:
 * {@code run} while writes continue, {@code status --json}, a clean {@code reconcile}, damage
 * done to SQL found and repaired through Kafka, and a clean {@code reconcile} again.
 */
@Timeout(400)
class FerryEndToEndIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final SqlDatabase PG = SqlDatabase.postgres();

    @TempDir
    Path dir;

    private FerryRun ferry;

    @AfterEach
    void stop() throws Exception {
        if (ferry != null) {
            ferry.close();
        }
    }

    @Test
    void runStatusReconcileRepair() throws Exception {
        KV kv = ETCD.client().getKVClient();
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            writes.add(kv.put(bytes("/e2e/key-" + i), bytes("{\"i\":" + i + "}")));
        }
        writes.add(kv.put(ByteSequence.from(new byte[] {'/', 'e', '2', 'e', '/', (byte) 0xFF, 0}), ByteSequence.from(new byte[] {0, (byte) 0xC3})));
        CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        ferry = FerryRun.configure(dir, ETCD, KAFKA, PG, "/e2e/", "e2e.changes").start();
        // Writes continue while ferry runs: updates, deletes and new keys.
        for (int i = 0; i < 300; i++) {
            kv.put(bytes("/e2e/key-" + (i * 7 % 2000)), bytes("{\"round\":" + i + "}")).get(10, TimeUnit.SECONDS);
            if (i % 10 == 0) {
                kv.delete(bytes("/e2e/key-" + (1000 + i))).get(10, TimeUnit.SECONDS);
            }
        }
        long last = kv.put(bytes("/e2e/last"), bytes("done")).get(10, TimeUnit.SECONDS).getHeader().getRevision();

        JsonNode status = ferry.awaitSinkAt(last, Duration.ofSeconds(180));
        Map<Integer, Long> stored = storedWatermarks();
        Map<Integer, Long> shown = new TreeMap<>();
        status.get("sink").get("partitions").forEach(p -> shown.put(p.get("partition").asInt(), p.get("watermark").asLong()));
        assertEquals(3, stored.size(), "one watermark per partition");
        for (var e : shown.entrySet()) {
            assertTrue(stored.get(e.getKey()) >= e.getValue(), "status shows what SQL stores: " + shown + " vs " + stored);
        }
        assertTrue(status.get("etcd").get("revision").asLong() >= last);

        Cli.Result clean = ferry.command("reconcile", "--json", dir.resolve("r1.json").toString());
        assertEquals(0, clean.exit(), clean.toString());
        assertEquals("clean", new ObjectMapper().readTree(dir.resolve("r1.json").toFile()).get("verdict").asText());

        // A prefix that matches nothing proves nothing: not CLEAN, exit code 2, with the reason.
        Cli.Result nothing = ferry.command(ferry.variant("typo.yaml", "etcd.prefix: /e2e-typo/"), "reconcile");
        assertEquals(2, nothing.exit(), nothing.toString());
        assertTrue(nothing.out().contains("Verdict: NOTHING COMPARED. No etcd key and no SQL row under /e2e-typo/"), nothing.out());

        ferry.damage("DELETE FROM etcd_kv WHERE \"key\" = ?", "/e2e/key-5");
        ferry.damage("UPDATE etcd_kv SET \"value\" = ? WHERE \"key\" = ?", "corrupt", "/e2e/key-6");
        Cli.Result dirty = ferry.command("reconcile", "--json", dir.resolve("r2.json").toString(), "--repair");
        assertEquals(1, dirty.exit(), dirty.toString());
        JsonNode r2 = new ObjectMapper().readTree(dir.resolve("r2.json").toFile());
        assertEquals(1, r2.get("counts").get("missing").asInt(), r2.toString());
        assertEquals(1, r2.get("counts").get("mismatch").asInt(), r2.toString());
        assertTrue(dirty.out().contains("Repair: re-emitted"), dirty.out());

        ferry.awaitClean(Duration.ofSeconds(60));
        assertTrue(ferry.alive(), "ferry run is still running");

        // Idle, the sink has read every record: a commit marker after its stored offset is not lag (issue 23; before,
        // a partition whose offset stopped before the last marker showed lag 1 for ever; RecordLagIT has the cases).
        org.awaitility.Awaitility.await("consumer lag 0 on every partition").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    JsonNode partitions = ferry.status().get("sink").get("partitions");
                    assertTrue(java.util.stream.StreamSupport.stream(partitions.spliterator(), false)
                            .allMatch(p -> p.get("consumer_lag").asLong() == 0),
                            partitions.toString());
                });
    }

    private Map<Integer, Long> storedWatermarks() throws Exception {
        Map<Integer, Long> out = new TreeMap<>();
        try (Connection c = PG.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT partition_id, watermark FROM ferry_offsets WHERE topic = 'e2e.changes'"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getLong(2));
            }
        }
        return out;
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
