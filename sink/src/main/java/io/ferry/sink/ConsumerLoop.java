package io.ferry.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of the {@code ferry-sink-consumer} thread, the only thread that touches the consumer.
 *
 * <p>A two-stage pipeline: while the writer threads ({@link WriteStage}, {@code sink.writers}) apply
 * batch N, each its share of N's partitions in a transaction of its own, this thread polls, decodes
 * and plans batch N+1, then waits for all of N before handing N+1 over. So at most one batch is in
 * flight and each partition's batches commit in poll order; a partition always goes to the same
 * writer. Batch N+1 is planned from where N leaves each partition ({@code planned}), and its offset
 * fence expects exactly that: if a share of N is fenced instead, N+1 is dropped and every partition
 * is sought to the offset stored in SQL (which holds the shares that did commit). Every rebalance
 * callback first waits for the writes in flight, so a partition is released only once its last
 * batch has committed or failed. On assignment the sink seeks to the offsets stored in SQL;
 * Kafka's committed offsets are written only so that lag shows in the usual tools, at most once a
 * second.
 */
final class ConsumerLoop implements Runnable, ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long PURGE_INTERVAL_MS = 60_000;
    private static final Duration TOPIC_LOOKUP = Duration.ofSeconds(10);
    /**
     * Kafka's committed offsets only show the group's lag in the usual tools (SQL holds the real
     * ones), so they go out at most this often: one commit per batch was an OffsetCommit request and
     * a __consumer_offsets append per SQL transaction, dozens a second on a live stream, and about
     * an eighth of this thread's CPU.
     */
    private static final long MONITOR_COMMIT_INTERVAL_MS = 1_000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final DataSource db;
    private final SinkParts parts;
    private final CountDownLatch stopped;
    /** Per assigned partition, what SQL holds after the last write this thread awaited. */
    private final Map<Integer, PartitionProgress> progress = new HashMap<>();
    /** Per assigned partition, where the next plan starts: ahead of {@code progress} by the write in flight. */
    private final Map<Integer, PartitionProgress> planned = new HashMap<>();
    /** Partitions halted on a bad record; read by other threads for readiness, like {@code applied}. */
    private final Set<Integer> halted = ConcurrentHashMap.newKeySet();
    /** Per assigned partition, the etcd revision through which SQL holds it. */
    private final Map<Integer, Long> applied = new ConcurrentHashMap<>();
    private final WriteStage<Written> writes;
    private volatile boolean running = true;
    private int partitionCount = 1;
    private long lastPurge;
    /** Offsets written to SQL and not yet committed to Kafka for monitoring. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private long lastMonitorCommit;

    ConsumerLoop(KafkaConsumer<byte[], byte[]> consumer, DataSource db, SinkParts parts, CountDownLatch stopped) {
        this.consumer = consumer;
        this.db = db;
        this.parts = parts;
        this.stopped = stopped;
        this.writes = new WriteStage<>("ferry-sink-writer", parts.writers().size());
    }

    @Override
    public void run() {
        try {
            if (!awaitTopic()) {
                return;
            }
            consumer.subscribe(List.of(parts.topic()), this);
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                BatchPlan next = records.isEmpty() ? null : plan(records);
                if (!finish() && next != null) {
                    discard(next);
                    next = null;
                }
                purge(); // nothing is in flight here, so the purge never contends with a batch
                if (next != null) {
                    start(next);
                }
                lag();
                monitorCommit();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (FencedInstanceIdException e) {
            throw new SinkException("another sink joined consumer group " + parts.group() + " with this sink's member id "
                    + parts.instanceId() + " and replaced it. Every sink of one group needs its own sink.instance.id (the "
                    + "default is the host name): set it when one host runs several sinks of the same group.", e);
        } finally {
            try {
                finish(); // the write in flight ends (commits or fails) before the consumer closes
            } catch (RuntimeException e) {
                LOG.warn("The last batch's write failed as the sink stopped: {}", e.getMessage());
            } finally {
                writes.close();
                // A static member does not leave its group when it closes, unless asked: without this, a sink
                // stopped for good would keep its partitions from the others until its session times out.
                consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(5)));
            }
        }
    }

    /**
     * Waits until the change topic exists, without creating it (the consumer never auto-creates): a
     * sink started before the watcher made it would otherwise see no partitions, or on a broker with
     * auto-creation on get a topic made with the broker's defaults. Says once what it waits for.
     *
     * @return false when the sink was stopped first
     */
    private boolean awaitTopic() {
        boolean said = false;
        while (running) {
            try {
                if (!consumer.partitionsFor(parts.topic(), TOPIC_LOOKUP).isEmpty()) {
                    if (said) {
                        LOG.info("Topic {} exists now; subscribing", parts.topic());
                    }
                    return true;
                }
                if (!said) {
                    LOG.info("Waiting for topic {} to exist: the watcher creates it when it starts (ferry watch or ferry "
                            + "run), or create it by hand as docs/kafka-topics.md shows", parts.topic());
                    said = true;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (!said) {
                    LOG.info("Waiting for Kafka to answer about topic {}: {}", parts.topic(), e.getMessage());
                    said = true;
                }
            }
            try {
                if (stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** The partitions halted on a bad record; safe from any thread. */
    Set<Integer> halted() {
        return Set.copyOf(halted);
    }

    /** The etcd revision through which each assigned partition is applied; safe from any thread. */
    Map<Integer, Long> watermarks() {
        return Map.copyOf(applied);
    }

    /** Asks the loop to stop; safe from any thread. */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    /**
     * Plans a poll from where the batch in flight leaves each partition. A partition that halts
     * stops fetching at once, because the next poll runs before this plan's write ends.
     */
    private BatchPlan plan(ConsumerRecords<byte[], byte[]> records) {
        BatchPlan plan = parts.planner().plan(records, planned);
        for (PartitionPlan p : plan.partitions()) {
            planned.put(p.partition(), new PartitionProgress(p.nextOffset(), p.watermark(), p.snapshotEpoch(),
                    p.snapshotRevision(), planned.get(p.partition()).sweepCandidates()));
            if (p.halt() != null) {
                TopicPartition tp = new TopicPartition(parts.topic(), p.partition());
                consumer.pause(List.of(tp));
                consumer.seek(tp, p.halt().record().offset());
            }
        }
        return plan;
    }

    /** Sends the plan's dead letters and hands each writer its share of the plan; nothing may be in flight. */
    private void start(BatchPlan plan) {
        if (!plan.deadLetters().isEmpty()) {
            parts.deadLetters().send(plan.deadLetters());
            for (BadRecord bad : plan.deadLetters()) {
                parts.metrics().failed();
                if (bad.signatureProblem() != null) {
                    parts.metrics().refusedSignature(bad.signatureProblem());
                }
                LOG.error("{}. Sent to dead-letter topic {}.", bad.describe(), parts.dlqTopic());
            }
        }
        if (!plan.advances()) {
            halts(plan);
            return;
        }
        // The writer reads the sweep state as of the last commit; a copy keeps it off this thread's maps.
        Map<Integer, PartitionProgress> committed = Map.copyOf(progress);
        int partitions = partitionCount;
        List<BatchPlan> shares = plan.shares(writes.writers());
        for (int i = 0; i < shares.size(); i++) {
            BatchPlan share = shares.get(i);
            BatchWriter writer = parts.writers().get(i);
            if (!share.partitions().isEmpty()) {
                writes.submit(i, () -> write(writer, share, committed, partitions));
            }
        }
    }

    /** On a writer thread: the transaction of its share of a plan, retried while the failure is transient. */
    private Written write(BatchWriter writer, BatchPlan plan, Map<Integer, PartitionProgress> committed, int partitions) {
        long start = System.nanoTime();
        BatchWriter.Result result = parts.retrier().run("applying " + plan.records() + " records to " + parts.table(),
                () -> withConnection(c -> writer.write(c, plan, committed, partitions)));
        return new Written(plan, result, Duration.ofNanos(System.nanoTime() - start), System.currentTimeMillis());
    }

    /**
     * Waits for the writes in flight, if any, and accounts for them.
     *
     * @return false when one was fenced: the partitions were sought to the stored offsets, so a
     *         plan made since is stale and must be dropped
     */
    private boolean finish() {
        List<Written> written = writes.await();
        if (written.stream().anyMatch(w -> w.result().outcome() == BatchWriter.Outcome.FENCED)) {
            LOG.info("Another sink or a replay moved the stored offsets; re-reading them and seeking");
            written.forEach(w -> discard(w.plan()));
            seekToStored(consumer.assignment());
            return false;
        }
        for (Written w : written) {
            committed(w);
            halts(w.plan());
        }
        return true;
    }

    /** Undoes what planning did for a plan that will not be written: its halts are not final. */
    private void discard(BatchPlan plan) {
        for (PartitionPlan p : plan.partitions()) {
            if (p.halt() != null && !halted.contains(p.partition())) {
                consumer.resume(List.of(new TopicPartition(parts.topic(), p.partition())));
            }
        }
    }

    private void halts(BatchPlan plan) {
        for (PartitionPlan p : plan.partitions()) {
            if (p.halt() != null) {
                halt(p.halt());
            }
        }
    }

    private void committed(Written w) {
        BatchPlan plan = w.plan();
        BatchWriter.Result result = w.result();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (PartitionPlan p : plan.partitions()) {
            long candidates = result.sweepCandidates().getOrDefault(p.partition(),
                    progress.get(p.partition()).sweepCandidates());
            progress.put(p.partition(), new PartitionProgress(p.nextOffset(), p.watermark(), p.snapshotEpoch(),
                    p.snapshotRevision(), candidates));
            parts.metrics().watermark(p.partition(), p.watermark());
            applied.put(p.partition(), p.watermark());
            if (p.nextOffset() >= 0) {
                commits.put(new TopicPartition(parts.topic(), p.partition()), new OffsetAndMetadata(p.nextOffset()));
            }
            for (PlanItem item : p.items()) {
                if (item instanceof RowChange r) {
                    parts.metrics().age(r.tsMs(), w.committedAtMs());
                }
            }
        }
        parts.metrics().batch(plan.records(), result.counts(), w.took());
        uncommitted.putAll(commits);
    }

    /** Commits to Kafka, for monitoring, the offsets SQL took since the last time, at most once a second. */
    private void monitorCommit() {
        long now = System.currentTimeMillis();
        if (uncommitted.isEmpty() || now - lastMonitorCommit < MONITOR_COMMIT_INTERVAL_MS) {
            return;
        }
        lastMonitorCommit = now;
        consumer.commitAsync(Map.copyOf(uncommitted), (offsets, e) -> {
            if (e != null) {
                LOG.debug("Monitoring commit of offsets failed (harmless: SQL holds the real offsets): {}", e.toString());
            }
        });
        uncommitted.clear();
    }

    private void halt(BadRecord bad) {
        TopicPartition tp = new TopicPartition(bad.record().topic(), bad.record().partition());
        if (bad.signatureProblem() != null && !halted.contains(tp.partition())) {
            parts.metrics().refusedSignature(bad.signatureProblem()); // once per halt, like failed
        }
        consumer.pause(List.of(tp));
        consumer.seek(tp, bad.record().offset());
        if (halted.add(tp.partition())) {
            parts.metrics().failed();
            parts.metrics().halted(halted.size());
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
        finish();
        partitionCount = consumer.partitionsFor(parts.topic()).size();
        LOG.info("Assigned partitions {} of {}", assigned.stream().map(TopicPartition::partition).sorted().toList(),
                parts.topic());
        seekToStored(assigned);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        finish(); // the batch in flight may hold these partitions: it ends before they are released
        forget(revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        finish();
        forget(lost);
    }

    private void forget(Collection<TopicPartition> gone) {
        for (TopicPartition tp : gone) {
            uncommitted.remove(tp);
            progress.remove(tp.partition());
            planned.remove(tp.partition());
            halted.remove(tp.partition());
            applied.remove(tp.partition());
        }
        parts.metrics().halted(halted.size());
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
            planned.put(tp.partition(), p);
            parts.metrics().watermark(tp.partition(), p.watermark());
            applied.put(tp.partition(), p.watermark());
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
            long lag = consumer.currentLag(tp).orElse(0);
            total += lag;
            PartitionProgress p = progress.get(tp.partition());
            if (p != null) {
                parts.metrics().position(tp.partition(), p.nextOffset(), lag);
            }
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

    /**
     * A batch's write as it ended.
     *
     * @param plan what was written
     * @param result how it ended
     * @param took apply and commit, retries included
     * @param committedAtMs when it ended, for the end-to-end age
     */
    record Written(BatchPlan plan, BatchWriter.Result result, Duration took, long committedAtMs) {
    }

    /** Database work on a connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
