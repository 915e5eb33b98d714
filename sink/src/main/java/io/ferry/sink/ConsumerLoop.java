package io.ferry.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of the {@code ferry-sink-consumer} thread, the only thread that touches the consumer.
 *
 * <p>Each poll is applied completely, in one transaction, before the next poll, so a rebalance
 * (whose callbacks run inside poll) never finds a batch in flight: there is nothing to flush on
 * revoke. On assignment the sink seeks to the offsets stored in SQL; Kafka's committed offsets
 * are written only so that lag shows in the usual tools.
 */
final class ConsumerLoop implements Runnable, ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long PURGE_INTERVAL_MS = 60_000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final DataSource db;
    private final SinkParts parts;
    private final CountDownLatch stopped;
    private final Map<Integer, PartitionProgress> progress = new HashMap<>();
    private final Set<Integer> halted = new HashSet<>();
    private volatile boolean running = true;
    private int partitionCount = 1;
    private long lastPurge;

    ConsumerLoop(KafkaConsumer<byte[], byte[]> consumer, DataSource db, SinkParts parts, CountDownLatch stopped) {
        this.consumer = consumer;
        this.db = db;
        this.parts = parts;
        this.stopped = stopped;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(parts.topic()), this);
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    apply(records);
                }
                lag();
                purge();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Asks the loop to stop; safe from any thread. */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        BatchPlan plan = parts.planner().plan(records, progress);
        if (!plan.deadLetters().isEmpty()) {
            parts.deadLetters().send(plan.deadLetters());
            for (BadRecord bad : plan.deadLetters()) {
                parts.metrics().failed();
                LOG.error("{}. Sent to dead-letter topic {}.", bad.describe(), parts.dlqTopic());
            }
        }
        if (plan.advances()) {
            long start = System.nanoTime();
            BatchWriter.Result result = parts.retrier().run("applying " + plan.records() + " records to "
                    + parts.table(), () -> withConnection(c -> parts.writer().write(c, plan, progress, partitionCount)));
            if (result.outcome() == BatchWriter.Outcome.FENCED) {
                LOG.info("Another sink or a replay moved the stored offsets; re-reading them and seeking");
                seekToStored(consumer.assignment());
                return;
            }
            committed(plan, result, Duration.ofNanos(System.nanoTime() - start));
        }
        for (PartitionPlan p : plan.partitions()) {
            if (p.halt() != null) {
                halt(p.halt());
            }
        }
    }

    private void committed(BatchPlan plan, BatchWriter.Result result, Duration took) {
        long now = System.currentTimeMillis();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (PartitionPlan p : plan.partitions()) {
            long candidates = result.sweepCandidates().getOrDefault(p.partition(),
                    progress.get(p.partition()).sweepCandidates());
            progress.put(p.partition(), new PartitionProgress(p.nextOffset(), p.watermark(), p.snapshotEpoch(),
                    p.snapshotRevision(), candidates));
            parts.metrics().watermark(p.partition(), p.watermark());
            if (p.nextOffset() >= 0) {
                commits.put(new TopicPartition(parts.topic(), p.partition()), new OffsetAndMetadata(p.nextOffset()));
            }
            for (PlanItem item : p.items()) {
                if (item instanceof RowChange r) {
                    parts.metrics().age(r.tsMs(), now);
                }
            }
        }
        parts.metrics().batch(plan.records(), result.counts(), took);
        consumer.commitAsync(commits, (offsets, e) -> {
            if (e != null) {
                LOG.debug("Monitoring commit of offsets failed (harmless: SQL holds the real offsets): {}", e.toString());
            }
        });
    }

    private void halt(BadRecord bad) {
        TopicPartition tp = new TopicPartition(bad.record().topic(), bad.record().partition());
        consumer.pause(List.of(tp));
        consumer.seek(tp, bad.record().offset());
        if (halted.add(tp.partition())) {
            parts.metrics().failed();
        }
        LOG.error("{}. Partition {} is halted at offset {}; the other partitions go on. Fix the record (or set "
                + "sink.dlq.topic to divert such records) and restart the sink, or skip it with ferry replay "
                + "--to-offsets {}={}.", bad.describe(), tp.partition(), bad.record().offset(), tp.partition(),
                bad.record().offset() + 1);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        if (assigned.isEmpty()) {
            return;
        }
        partitionCount = consumer.partitionsFor(parts.topic()).size();
        LOG.info("Assigned partitions {} of {}", assigned.stream().map(TopicPartition::partition).sorted().toList(),
                parts.topic());
        seekToStored(assigned);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        forget(revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        forget(lost);
    }

    private void forget(Collection<TopicPartition> gone) {
        for (TopicPartition tp : gone) {
            progress.remove(tp.partition());
            halted.remove(tp.partition());
        }
        if (!gone.isEmpty()) {
            LOG.info("Released partitions {} of {}", gone.stream().map(TopicPartition::partition).sorted().toList(),
                    parts.topic());
        }
    }

    private void seekToStored(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        List<Integer> ids = partitions.stream().map(TopicPartition::partition).toList();
        Map<Integer, PartitionProgress> stored = parts.retrier().run("reading stored offsets",
                () -> withConnection(c -> parts.offsets().load(c, ids)));
        for (TopicPartition tp : partitions) {
            PartitionProgress p = stored.getOrDefault(tp.partition(), PartitionProgress.NEW);
            progress.put(tp.partition(), p);
            parts.metrics().watermark(tp.partition(), p.watermark());
            if (halted.contains(tp.partition())) {
                continue;
            }
            if (p.nextOffset() < 0) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, p.nextOffset());
            }
        }
    }

    private void lag() {
        long total = 0;
        for (TopicPartition tp : consumer.assignment()) {
            total += consumer.currentLag(tp).orElse(0);
        }
        parts.metrics().lag(total);
    }

    private void purge() {
        long now = System.currentTimeMillis();
        if (now - lastPurge < PURGE_INTERVAL_MS) {
            return;
        }
        lastPurge = now;
        parts.retrier().run("purging old tombstones", () -> withConnection(c -> {
            parts.purger().purge(c, now);
            return null;
        }));
    }

    /** Work inside one pooled connection; rolls back when the work fails. */
    private <T> T withConnection(SqlWork<T> work) throws SQLException {
        try (Connection c = db.getConnection()) {
            try {
                return work.run(c);
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                if (e instanceof SQLException && !valid(c)) {
                    // Drivers report a dropped connection in many ways ("statement closed", ...);
                    // a connection that no longer answers is a transient failure whatever the message.
                    throw new SQLRecoverableException("the database connection was lost: " + e.getMessage(), "08006", e);
                }
                throw e;
            }
        }
    }

    private static boolean valid(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Database work on a connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
