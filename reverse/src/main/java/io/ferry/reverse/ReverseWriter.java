package io.ferry.reverse;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.ferry.clients.JdbcFailures;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollback path's writer: while SQL is authoritative after a cutover's switch, it runs
 * Debezium's embedded engine on the generic table and writes each row change into etcd (see
 * {@link EtcdApplier} for why exactly once). Before the switch, after a rollback or after
 * {@code ferry finish}, it waits. It stops writing the moment {@code ferry rollback} flips etcd's
 * version key, and it can be killed at any point: the next start resumes from the position etcd
 * holds.
 *
 * <p>A cutover switches only once the writer has proved it can do its job. The cutover opens the
 * change capture before its freeze; the writer starts reading it at once and passes over what it
 * brings (the sink's own writes) until the probe row the cutover writes in SQL once the sink is
 * drained; it carries the probe into etcd (the only write it makes while etcd is authoritative,
 * and to a key of Ferry's own), and its position from then on starts right after the probe. A failure no retry can fix (a TLS or credential problem, a missing privilege, an
 * invalid connector configuration) stops the writer for good: it is logged once and reported
 * through {@link #failure()}; anything else (a database or etcd that is down) is retried with a
 * back-off from 1 s to 30 s, a WARN line per attempt ("attempt n/N"), up to
 * {@code reverse.retry.max.attempts} attempts in a row; then the writer gives up the same way,
 * with one ERROR line.
 *
 * <p>Life cycle: {@link #start()}, then {@link #close()} (idempotent; waits at most 30 s and
 * removes the meters). Each change of {@link #state()} is logged at INFO, once.
 */
public final class ReverseWriter implements AutoCloseable {

    /** What the writer is doing, for status and health. */
    public enum State { WAITING, STREAMING, RETRYING, FAILED, STOPPED }

    private static final Logger LOG = LoggerFactory.getLogger(ReverseWriter.class);
    private static final long POLL_MS = 1000;
    /** While etcd is authoritative nothing is urgent: the slot or the seeded binlog position keeps SQL's changes. */
    private static final long IDLE_POLL_MS = 5000;
    /** While a cutover is under way it may be waiting for the probe, and its writers are frozen meanwhile. */
    private static final long CUTOVER_POLL_MS = 250;
    private static final long FIRST_BACKOFF_MS = 1000;
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(30);

    private final Client etcd;
    private final ReverseTarget target;
    private final String topic;
    private final CutoverConfig cutover;
    private final byte[] versionKey;
    private final byte[] positionKey;
    private final byte[] probeKey;
    private final Set<ByteBuffer> skippedKeys = new HashSet<>();
    private final Thread thread;
    private final AtomicReference<State> state = new AtomicReference<>(State.WAITING);
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Throwable lastFailure;
    private volatile Throwable fatal;
    private volatile boolean closing;
    private final java.util.concurrent.Semaphore wakeUp = new java.util.concurrent.Semaphore(0);
    private volatile Watch.Watcher positionWatch;

    private final ReverseMetrics metrics;

    public ReverseWriter(Client etcd, ReverseTarget target, String topic, CutoverConfig cutover, MeterRegistry registry) {
        this.etcd = etcd;
        this.target = target;
        this.topic = topic;
        this.cutover = cutover;
        this.versionKey = cutover.versionKey().getBytes(StandardCharsets.UTF_8);
        this.positionKey = cutover.reversePositionKey().getBytes(StandardCharsets.UTF_8);
        this.probeKey = cutover.reverseProbeKey().getBytes(StandardCharsets.UTF_8);
        // Ferry's own keys never come back from SQL into etcd, except the fence of ferry rollback.
        cutover.ownKeys().forEach(k -> skippedKeys.add(ByteBuffer.wrap(k)));
        skippedKeys.remove(ByteBuffer.wrap(cutover.reverseFenceKey().getBytes(StandardCharsets.UTF_8)));
        this.thread = new Thread(this::run, "ferry-reverse");
        this.metrics = new ReverseMetrics(registry, this::state);
    }

    public void start() {
        try {
            // A cutover that opens its capture writes the position key: the writer hears of it at once, rather than at
            // its next look, so that its engine is reading before the cutover's freeze (polling still covers a lost watch).
            positionWatch = etcd.getWatchClient().watch(ByteSequence.from(positionKey),
                    Watch.listener(r -> wakeUp.release(), e -> LOG.debug("The reverse position's watch ended: {}", e.toString())));
        } catch (RuntimeException e) {
            LOG.debug("Watching the reverse position failed; polling only: {}", e.toString());
        }
        thread.start();
    }

    public State state() {
        return state.get();
    }

    /** The last failure, while the writer retries after it. */
    public Optional<Throwable> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /**
     * Why the writer stopped for good (state FAILED): a failure that no retry can fix, or one that
     * lasted {@code reverse.retry.max.attempts} attempts in a row.
     */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(fatal);
    }

    /**
     * Stops the writer: its engine, if one runs, is closed (etcd keeps the position of every change
     * it wrote), and its meters are removed. Waits at most 30 s; an interrupt while waiting ends the
     * wait and is kept on the calling thread. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        if (positionWatch != null) {
            positionWatch.close();
        }
        thread.interrupt();
        try {
            thread.join(CLOSE_WAIT.toMillis());
            if (thread.isAlive()) {
                LOG.warn("Thread {} did not stop within {} s", thread.getName(), CLOSE_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller's own stop; the writer's thread ends by itself
        }
        moveTo(State.STOPPED);
        metrics.close();
    }

    /**
     * Moves to {@code to} from whatever the state is, with one INFO line, unless the writer is
     * already there or has ended ({@link State#FAILED} and {@link State#STOPPED} are final).
     */
    private void moveTo(State to) {
        while (true) {
            State from = state.get();
            if (from == to || from == State.FAILED || from == State.STOPPED) {
                return;
            }
            if (state.compareAndSet(from, to)) {
                LOG.info("Reverse writer state {} -> {}", from, to);
                return;
            }
        }
    }

    /** Waits {@code ms}, or less when the position key changes. */
    private void pause(long ms) throws InterruptedException {
        if (wakeUp.tryAcquire(ms, TimeUnit.MILLISECONDS)) {
            wakeUp.drainPermits();
        }
    }

    private void run() {
        int maxAttempts = cutover.reverseRetryMaxAttempts();
        long backoffMs = FIRST_BACKOFF_MS;
        int attempt = 0;
        while (!closing) {
            try {
                byte[] version = currentVersion();
                Optional<LatestCutover> latest = LatestCutover.of(target, topic);
                long pause;
                if (Authority.sqlAuthoritative(version) && latest.map(LatestCutover::bakePeriod).orElse(false)) {
                    metrics.streaming();
                    moveTo(State.STREAMING);
                    stream(version, null);
                    pause = POLL_MS;
                } else if (!Authority.sqlAuthoritative(version) && latest.isPresent() && latest.get().underWay()
                        && awaitsProbe(latest.get().id())) {
                    metrics.streaming();
                    moveTo(State.STREAMING);
                    stream(version, latest.get());
                    pause = CUTOVER_POLL_MS;
                } else {
                    moveTo(State.WAITING);
                    pause = latest.map(LatestCutover::underWay).orElse(false) ? CUTOVER_POLL_MS : IDLE_POLL_MS;
                }
                lastFailure = null;
                backoffMs = FIRST_BACKOFF_MS;
                attempt = 0;
                pause(pause);
            } catch (InterruptedException e) {
                break;
            } catch (Exception e) {
                if (closing) {
                    break;
                }
                if (JdbcFailures.isConfiguration(e)) {
                    giveUp(new FerryException(reason(e) + ". No retry can fix this; fix the configuration or the database "
                            + "(docs/security.md says what the rollback path needs) and restart", e), e);
                    return;
                }
                lastFailure = e;
                attempt++;
                if (maxAttempts > 0 && attempt >= maxAttempts) {
                    giveUp(new FerryException("gave up after " + attempt + " failed attempts in a row; last error: "
                            + e.getMessage() + ". Check that the database and etcd are up, or raise reverse.retry.max.attempts "
                            + "(0: never give up); a restart resumes from the position etcd holds", e), e);
                    return;
                }
                moveTo(State.RETRYING);
                LOG.warn("Reverse replication failed, attempt {}/{}: {}; retrying in {} ms", attempt,
                        maxAttempts > 0 ? Integer.toString(maxAttempts) : "unlimited", e.getMessage(), backoffMs);
                LOG.debug("Reverse replication's failure in full", e);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    break;
                }
                backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            }
        }
        moveTo(State.STOPPED);
    }

    /** Stops for good on {@code why}: one ERROR line, the state {@link State#FAILED}, the reason in {@link #failure()}. */
    private void giveUp(FerryException why, Exception cause) {
        fatal = why;
        LOG.error("Reverse replication stops: {}", why.getMessage());
        LOG.debug("Reverse replication's failure in full", cause);
        moveTo(State.FAILED);
    }

    /** One line: a database failure as {@link JdbcFailures} explains it, anything else by its message. */
    private String reason(Exception e) {
        return JdbcFailures.kind(e) == JdbcFailures.Kind.OTHER ? e.getMessage()
                : "the rollback path cannot use " + target.describe() + ": " + JdbcFailures.describe(e, target.jdbc());
    }

    /** Whether etcd holds cutover {@code cutoverId}'s freshly opened capture, whose probe is still to be carried. */
    private boolean awaitsProbe(long cutoverId) throws Exception {
        List<KeyValue> kvs = etcd.getKVClient().get(ByteSequence.from(positionKey)).get(30, TimeUnit.SECONDS).getKvs();
        return !kvs.isEmpty() && ReversePosition.fromJson(kvs.get(0).getValue().getBytes()).awaitsProbe(cutoverId);
    }

    /**
     * Runs the engine until etcd's version key changes, the bake period ends, the writer closes, or
     * the engine fails. With {@code probeFor}, before that cutover's switch: only until its probe row
     * is carried into etcd, and nothing else is written there.
     */
    private void stream(byte[] version, LatestCutover probeFor) throws Exception {
        if (target.source().equals("postgres") && !new ReverseCapture(target, cutover.reverseSlot()).slotExists()) {
            // Debezium would create a new slot, starting now: every change since the switch would be lost to etcd.
            throw new FerryException("replication slot " + cutover.reverseSlot() + " is gone from " + target.describe()
                    + ": SQL's changes since it was dropped cannot be copied into etcd, so a rollback would lose them. "
                    + "Do not roll back; finish the bake period (ferry finish) or cut over again");
        }
        List<KeyValue> kvs = etcd.getKVClient().get(ByteSequence.from(positionKey)).get(30, TimeUnit.SECONDS).getKvs();
        if (kvs.isEmpty()) {
            throw new FerryException("etcd holds no reverse position at " + cutover.reversePositionKey() + ": the cutover "
                    + "writes it at the switch. Without it, where SQL's changes start is unknown; run ferry rollback only "
                    + "after a cutover made by this Ferry version");
        }
        ReversePosition position = ReversePosition.fromJson(kvs.get(0).getValue().getBytes());
        if (probeFor != null && !position.awaitsProbe(probeFor.id())) {
            return; // carried meanwhile by another writer, or another cutover opened its capture
        }
        if (!position.source().equals(target.source())) {
            throw new FerryException("the reverse position in etcd was written for " + position.source() + ", but sink.jdbc is "
                    + target.source());
        }
        EtcdApplier applier = new EtcdApplier(etcd.getKVClient(), versionKey, version, positionKey, position,
                kvs.get(0).getModRevision());
        String id = UUID.randomUUID().toString();
        EtcdOffsetStore.handOff(id, position);
        AtomicReference<String> fenced = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(DebeziumProperties.of(target, cutover.reverseSlot(), cutover.reverseServerId(), id))
                .notifying((records, committer) -> {
                    if (fenced.get() != null) {
                        return; // nothing more may reach etcd; the engine is being closed
                    }
                    List<SqlChange> changes = probeFor != null ? probeOf(records) : changesOf(records, applier.position());
                    try {
                        EtcdApplier.Outcome outcome = probeFor == null ? applier.apply(changes, n -> metrics.transaction())
                                : changes.isEmpty() ? EtcdApplier.Outcome.APPLIED : applier.applyProbe(changes.get(0));
                        if (outcome == EtcdApplier.Outcome.FENCED) {
                            fenced.set(applier.whyFenced());
                            return;
                        }
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new FerryException("writing " + changes.size() + " SQL changes into etcd failed: " + e.getMessage(), e);
                    }
                    if (probeFor != null && !changes.isEmpty()) {
                        // Everything before the probe was written before the switch, by the sink: none of it is an
                        // application's change for etcd. Marked processed, so PostgreSQL may let its WAL go.
                        fenced.set("the probe of cutover " + probeFor.id() + " reached etcd: the rollback path works");
                    }
                    metrics.applied(probeFor == null ? changes.size() : 0);
                    for (RecordChangeEvent<SourceRecord> r : records) {
                        committer.markProcessed(r);
                    }
                    committer.markBatchFinished();
                })
                .using((success, message, error) -> {
                    if (!success) {
                        failure.set(error != null ? error : new FerryException(message));
                    }
                    ended.countDown();
                })
                .build();
        Thread runner = new Thread(engine, "ferry-reverse-engine");
        runner.start();
        if (probeFor == null) {
            LOG.info("Reverse replication: copying changes of {} in {} into etcd from {}", target.qualifiedTable(),
                    target.describe(), position.offset().isEmpty() ? "the replication slot" : position.offset());
        } else {
            LOG.info("Reverse replication: reading the change capture cutover {} opened in {}, to carry its probe into etcd",
                    probeFor.id(), target.describe());
        }
        try {
            long poll = probeFor == null ? POLL_MS : CUTOVER_POLL_MS;
            while (!closing && fenced.get() == null && !ended.await(poll, TimeUnit.MILLISECONDS)) {
                Optional<LatestCutover> latest = LatestCutover.of(target, topic);
                if (!java.util.Arrays.equals(version, currentVersion())) {
                    fenced.set("etcd's version key changed: the side that is authoritative changed");
                } else if (probeFor == null && !latest.map(LatestCutover::bakePeriod).orElse(false)) {
                    fenced.set("the bake period ended (ferry finish or ferry rollback)");
                } else if (probeFor != null && !latest.map(l -> l.id() == probeFor.id() && l.underWay()).orElse(false)) {
                    fenced.set("cutover " + probeFor.id() + " ended before its probe arrived");
                }
            }
        } finally {
            try {
                engine.close();
            } catch (IllegalStateException alreadyStopped) {
                // the engine ended by itself (its failure, if any, is in the completion callback)
            }
            runner.join(TimeUnit.SECONDS.toMillis(30));
            EtcdOffsetStore.forget(id);
        }
        if (fenced.get() != null) {
            LOG.info("Reverse replication stopped: {}", fenced.get());
        } else if (failure.get() != null && !closing) {
            throw new FerryException("Debezium's engine stopped: " + failure.get().getMessage(), failure.get());
        }
    }

    /** The cutover's probe row among these records, if it is there: the one change written into etcd before a switch. */
    private List<SqlChange> probeOf(List<RecordChangeEvent<SourceRecord>> records) {
        for (RecordChangeEvent<SourceRecord> r : records) {
            Optional<SqlChange> c = SqlChange.of(r.record());
            if (c.isPresent() && !c.get().isDelete() && java.util.Arrays.equals(c.get().key(), probeKey)) {
                return List.of(c.get());
            }
        }
        return List.of();
    }

    /** The row changes to write, in order, without Ferry's own keys and without what etcd already has. */
    private List<SqlChange> changesOf(List<RecordChangeEvent<SourceRecord>> records, ReversePosition applied) {
        List<SqlChange> changes = new ArrayList<>(records.size());
        for (RecordChangeEvent<SourceRecord> r : records) {
            if (r.record().value() instanceof Struct s && s.schema().field("op") != null && "t".equals(s.getString("op"))) {
                throw new FerryException("TRUNCATE of " + target.qualifiedTable() + " cannot be copied into etcd key by key: "
                        + "delete the rows instead. Reverse replication stops here, so that nothing is lost silently");
            }
            SqlChange.of(r.record()).ifPresent(c -> {
                if (LogOrder.alreadyApplied(c.order(), applied.order())) {
                    metrics.duplicates(1); // delivered again after a restart: etcd has it already
                } else if (!skippedKeys.contains(ByteBuffer.wrap(c.key()))) {
                    changes.add(c);
                }
            });
        }
        return changes;
    }

    private byte[] currentVersion() throws Exception {
        List<KeyValue> kvs = etcd.getKVClient().get(ByteSequence.from(versionKey)).get(30, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0).getValue().getBytes();
    }
}
