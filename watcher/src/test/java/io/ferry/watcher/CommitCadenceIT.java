package io.ferry.watcher;

import static io.ferry.watcher.Fixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.ferry.core.event.ControlRecord;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How the watcher cuts its output into Kafka transactions, read back from the broker: on a
 * one-partition topic every commit marker takes an offset, so a gap in offsets ends a transaction.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CommitCadenceIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void aSnapshotCommitsPerByteBudgetRatherThanPerPage() throws Exception {
        String prefix = "/cadence/";
        Client etcd = ETCD.client();
        int keys = 10_000;
        int pageKeys = 50;
        long budget = 1024 * 1024;
        Fixture.loadKeys(etcd, prefix, keys);
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "cadence", prefix);
        s.put("kafka.topic.partitions", 1);
        s.put("watcher.snapshot.page.keys", pageKeys);
        s.put("watcher.snapshot.commit.bytes", budget);
        s.put("watcher.snapshot.commit.interval.ms", 30_000); // only the byte budget cuts, however slow the machine
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
        }

        List<Long> transactionBytes = new ArrayList<>();
        long largestRead = 0;
        long previousOffset = -2;
        int reads = 0;
        for (ConsumerRecord<byte[], byte[]> r : Fixture.readCommitted(KAFKA, "cadence")) {
            if (!"change".equals(Fixture.kind(r))) {
                continue;
            }
            long size = r.key().length + r.value().length;
            if (r.offset() != previousOffset + 1) {
                transactionBytes.add(0L);
            }
            transactionBytes.set(transactionBytes.size() - 1, transactionBytes.get(transactionBytes.size() - 1) + size);
            largestRead = Math.max(largestRead, size);
            previousOffset = r.offset();
            reads++;
        }
        assertEquals(keys, reads);
        int pages = keys / pageKeys;
        // About five by the budget; committing after every 50 ms, as streaming does, took 28 here.
        assertTrue(transactionBytes.size() <= pages / 20,
                transactionBytes.size() + " transactions carried the reads of " + pages + " pages");
        assertTrue(transactionBytes.size() >= 3, "the byte budget cuts the snapshot: " + transactionBytes);
        for (long b : transactionBytes) {
            // The check runs after each page, so a transaction exceeds the budget by less than a page.
            assertTrue(b < budget + pageKeys * largestRead, "a transaction of " + b + " bytes: " + transactionBytes);
        }
    }

    @Test
    void aTransactionOfChangesCarriesTheWatermarkToEveryPartition() throws Exception {
        String prefix = "/carry/";
        Client etcd = ETCD.client();
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "carry", prefix);
        s.put("kafka.topic.partitions", 2);
        s.put("watcher.watermark.interval.ms", 600_000); // the timer never fires: only commits can carry one
        List<Long> written = new ArrayList<>();
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
            for (int i = 0; i < 10; i++) {
                written.add(Fixture.put(etcd, bytes(prefix + "k" + i), bytes("v" + i)));
                // One change per transaction, so the record after it is that transaction's own.
                Fixture.awaitProduced(watcher::producedRevision, written.get(i), Duration.ofMinutes(1));
            }
        }

        Map<String, ConsumerRecord<byte[], byte[]>> byPosition = new HashMap<>();
        Map<Long, ConsumerRecord<byte[], byte[]>> changes = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : Fixture.readCommitted(KAFKA, "carry")) {
            byPosition.put(r.partition() + "@" + r.offset(), r);
            if ("change".equals(Fixture.kind(r))) {
                changes.put(Fixture.CODEC.decodeChange(r.value()).revision(), r);
            }
        }
        for (long revision : written) {
            ConsumerRecord<byte[], byte[]> change = changes.get(revision);
            ConsumerRecord<byte[], byte[]> next = byPosition.get(change.partition() + "@" + (change.offset() + 1));
            assertTrue(next != null && "watermark".equals(Fixture.kind(next)),
                    "the change at revision " + revision + " is followed by a watermark in its transaction");
            assertTrue(((ControlRecord) Fixture.CODEC.decode(next.value())).revision() >= revision);
        }
        long last = written.get(written.size() - 1);
        for (int p = 0; p < 2; p++) {
            final int partition = p;
            assertTrue(byPosition.values().stream().anyMatch(r -> r.partition() == partition
                    && "watermark".equals(Fixture.kind(r))
                    && ((ControlRecord) Fixture.CODEC.decode(r.value())).revision() >= last),
                    "partition " + p + " has a watermark at the last change's revision");
        }
    }

    @Test
    void changesArrivingWithinTheCommitFloorShareATransaction() throws Exception {
        String prefix = "/floor/";
        Client etcd = ETCD.client();
        int maxEvents = 4;
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "floor", prefix);
        s.put("kafka.topic.partitions", 1);
        // Only the event count and the stop may end a transaction once the first change has committed.
        s.put("watcher.commit.min.interval.ms", 600_000);
        s.put("watcher.commit.interval.ms", 600_000);
        s.put("watcher.watermark.interval.ms", 600_000);
        s.put("watcher.commit.max.events", maxEvents);
        long first;
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
            // The first change after start is not held: no commit of the stream came before it.
            first = Fixture.put(etcd, bytes(prefix + "first"), bytes("v"));
            Fixture.awaitProduced(watcher::producedRevision, first, Duration.ofMinutes(1));
            long last = 0;
            for (int i = 0; i < 2 * maxEvents; i++) {
                last = Fixture.put(etcd, bytes(prefix + "k" + i), bytes("v" + i));
            }
            Fixture.awaitProduced(watcher::producedRevision, last - maxEvents, Duration.ofMinutes(1));
        }

        List<Integer> transactions = new ArrayList<>();
        long previousOffset = -2;
        for (ConsumerRecord<byte[], byte[]> r : Fixture.readCommitted(KAFKA, "floor")) {
            if (!"change".equals(Fixture.kind(r))) {
                continue;
            }
            // A watermark follows every change transaction's changes, so consecutive changes share one.
            if (r.offset() != previousOffset + 1) {
                transactions.add(0);
            }
            transactions.set(transactions.size() - 1, transactions.get(transactions.size() - 1) + 1);
            previousOffset = r.offset();
        }
        assertEquals(1 + 2 * maxEvents, transactions.stream().mapToInt(Integer::intValue).sum(), "" + transactions);
        assertEquals(1, transactions.get(0), "the first change commits alone: " + transactions);
        // Between the first and the one the stop commits, only watcher.commit.max.events ended one.
        for (int t = 1; t < transactions.size() - 1; t++) {
            assertTrue(transactions.get(t) >= maxEvents, "changes within the floor share a transaction: " + transactions);
        }
        assertTrue(transactions.size() <= 3, "" + transactions);
    }
}
