package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22's drift, end to end on PostgreSQL: one database that also holds another pipeline's
 * offsets (an old topic's, far behind and on a partition this topic does not have). {@code ferry
 * reconcile} and {@code ferry cutover} each wait on their own topic's watermark, so neither waits
 * for a pipeline that no longer runs.
 */
@Timeout(600)
class SharedDatabaseIT {

    private static final String PREFIX = "/shared/";
    private static final String OLD_TOPIC = "shared.old";

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
    void stop() {
        if (ferry != null) {
            ferry.close();
        }
    }

    @Test
    void reconcileAndCutoverWaitOnTheirOwnTopicsWatermark() throws Exception {
        KV kv = ETCD.client().getKVClient();
        for (int i = 0; i < 50; i++) {
            kv.put(bytes(PREFIX + "key-" + i), bytes("value " + i)).get();
        }
        ferry = FerryRun.configure(dir, ETCD, KAFKA, PG, PREFIX, "shared.changes", "cutover.timeout.ms: 30000").start();
        // ferry status fails until the watcher has created its checkpoint topic, which on a busy machine takes a while.
        Awaitility.await("ferry status").atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(2))
                .until(() -> ferry.command("status", "--json").exit() == 0);
        ferry.awaitSinkAt(kv.get(bytes(PREFIX)).get().getHeader().getRevision(), Duration.ofSeconds(300));
        oldPipelineOffsets(0, 7);

        Cli.Result reconcile = ferry.command("reconcile", "--wait", "30");
        assertEquals(0, reconcile.exit(), reconcile.toString());

        Cli.Result cut = ferry.command("cutover", "--without-rollback");
        assertEquals(0, cut.exit(), cut.toString());
        assertEquals("switched", ferry.status().get("cutover").get("phase").asText());
    }

    /** What an earlier pipeline through another topic left in this database: watermark 1, never moving again. */
    private static void oldPipelineOffsets(int... partitions) throws Exception {
        try (Connection c = PG.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ferry_offsets (topic, partition_id, next_offset, watermark, snapshot_epoch, snapshot_revision, "
                        + "updated_at) VALUES (?, ?, 10, 1, 0, 0, 0)")) {
            for (int p : partitions) {
                ps.setString(1, OLD_TOPIC);
                ps.setInt(2, p);
                ps.executeUpdate();
            }
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
