package io.ferry.watcher.engine;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.ferry.clients.EtcdPermissionDenied;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.WatcherConfig;
import io.ferry.core.event.ControlRecord;
import io.ferry.watcher.WatcherState;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches from a revision and produces every change, committing at etcd revision boundaries as
 * soon as it has caught up with the watch (but not sooner than {@code watcher.commit.min.interval.ms}
 * after the previous commit), and at the latest after {@code watcher.commit.interval.ms} or
 * {@code watcher.commit.max.events}. Each commit carries
 * the checkpoint and, when the delivered revision moved, a watermark to every partition; when
 * nothing commits, the delivered revision still goes out every
 * {@code watcher.watermark.interval.ms}.
 *
 * <p>Returns normally only when the watcher stops; throws {@link Failures.RevisionCompacted}
 * when the watch needs a revision etcd no longer has.
 */
final class Streamer {

    private static final Logger LOG = LoggerFactory.getLogger(Streamer.class);
    private static final long MAX_BACKOFF_MS = 5000;
    /**
     * How long a progress request may go unanswered, with nothing else heard on the watch, before the
     * watch counts as stalled (a member that hangs, or a link that drops packets without a reset): the
     * watch is then opened again, which gRPC's keep-alive lets reach another member.
     */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Watch failures with nothing received in between after which the run ends, to go on with a new etcd client. */
    private static final int FAILURES_BEFORE_NEW_CLIENT = 3;

    private final RunContext ctx;
    private final WatcherConfig config;
    private final long epoch;
    private final ProgressTracker tracker;
    private final WatchBuffer queue;
    private long session;
    private ChangeStream stream;
    private long lastWatermark;
    /** The revision the current session's watch started at. */
    private long sessionFrom;
    /** When the last commit ended, for {@code watcher.commit.min.interval.ms}. */
    private long lastCommitNanos;
    /** Whether etcd is known to hold the current session's start revision (see {@link #startIsValid}). */
    private boolean startVerified;
    /** The rollback path's position key: a revision that writes it is one of Ferry's own reverse transactions. */
    private final byte[] reversePositionKey;

    Streamer(RunContext ctx, long epoch, long fromRevision) {
        this.ctx = ctx;
        this.config = ctx.config().watcher();
        this.epoch = epoch;
        this.tracker = new ProgressTracker(fromRevision - 1);
        this.queue = new WatchBuffer(config.queueCapacity(), config.queueMaxBytes());
        this.lastWatermark = fromRevision - 1;
        this.reversePositionKey = CutoverConfig.of(ctx.config()).reversePositionKey().getBytes(StandardCharsets.UTF_8);
    }

    void run() {
        ctx.metrics().epoch(epoch);
        open();
        ctx.states().accept(WatcherState.STREAMING);
        long intervalNanos = config.watermarkInterval().toNanos();
        long nextWatermark = System.nanoTime() + intervalNanos;
        long lastActivity = System.nanoTime();
        long backoffMs = 100;
        long unansweredSince = 0; // when the oldest progress request still without any answer was sent
        int failuresInARow = 0;
        long pollNanos = TimeUnit.MILLISECONDS.toNanos(20);
        long minGapNanos = config.commitMinInterval().toNanos();
        lastCommitNanos = System.nanoTime() - minGapNanos;
        try {
            while (!ctx.stopping()) {
                ctx.checkLeadership();
                Throwable failure = stream.failure();
                if (failure == null && unansweredSince != 0 && System.nanoTime() - unansweredSince > STALL_NANOS) {
                    failure = new IllegalStateException("etcd answered nothing on the watch for "
                            + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s, not even a progress request");
                }
                if (failure != null) {
                    unansweredSince = 0;
                    commitIfOpen();
                    if (Failures.isCompaction(failure)) {
                        throw new Failures.RevisionCompacted("etcd compacted revision " + (tracker.delivered() + 1)
                                + ", which the watch needed", failure);
                    }
                    if (EtcdPermissionDenied.isDenied(failure)) {
                        throw EtcdPermissionDenied.of(ctx.config().etcd(), "the watch of " + ctx.config().etcd().prefixes(),
                                java.util.List.of(ctx.prefixes().watchGrant()), failure);
                    }
                    if (++failuresInARow >= FAILURES_BEFORE_NEW_CLIENT) {
                        // The same member may answer every attempt the same way (cut off from its peers): the
                        // watcher starts again from its checkpoint with a new client, which reaches every member.
                        throw new Failures.Transient("the etcd watch failed " + failuresInARow + " times in a row, the "
                                + "last time with: " + failure, failure);
                    }
                    LOG.warn("etcd watch failed: {}; resuming at revision {} in {} ms", failure,
                            tracker.delivered() + 1, backoffMs);
                    stream.close();
                    pause(backoffMs);
                    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
                    open();
                    continue;
                }
                // With a transaction open, wait no longer than until the commit floor has passed.
                long untilCommit = minGapNanos - (System.nanoTime() - lastCommitNanos);
                StreamItem item = queue.poll(ctx.publisher().transactionOpen() && untilCommit > 0
                        ? Math.min(pollNanos, untilCommit) : pollNanos, TimeUnit.NANOSECONDS);
                if (item != null && item.session() == session) {
                    unansweredSince = 0;
                    failuresInARow = 0;
                    handle(item);
                    if (item instanceof StreamItem.Events) {
                        lastActivity = System.nanoTime(); // progress replies do not count: they would halve the asking rate
                    }
                    backoffMs = 100;
                }
                // Items are whole revisions, so between two of them is a revision boundary. Once the
                // queue is empty, waiting for more would only add latency, except right after a commit:
                // then what arrives within watcher.commit.min.interval.ms joins this transaction instead
                // of making one of its own (see WatcherConfig.COMMIT_MIN_INTERVAL).
                if (ctx.publisher().transactionOpen() && ((queue.isEmpty()
                        && System.nanoTime() - lastCommitNanos >= minGapNanos)
                        || ctx.publisher().eventsInTransaction() >= config.commitMaxEvents()
                        || ctx.publisher().transactionAge().compareTo(config.commitInterval()) >= 0)) {
                    commit();
                }
                long now = System.nanoTime();
                if (now >= nextWatermark) {
                    nextWatermark = now + intervalNanos;
                    if (tracker.delivered() > lastWatermark) {
                        commit(); // progress notifications moved it while nothing else committed
                    }
                    if (now - lastActivity >= intervalNanos) {
                        // Quiet: ask etcd how far the watch has got, so the watermark still advances.
                        stream.requestProgress();
                        unansweredSince = unansweredSince == 0 ? now : unansweredSince;
                    }
                }
            }
            commitIfOpen();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunContext.Stopped();
        } finally {
            stream.close();
        }
    }

    private void handle(StreamItem item) {
        if (item instanceof StreamItem.Events e) {
            long now = System.currentTimeMillis();
            Set<Long> reverse = reverseRevisions(e.events());
            for (WatchEvent ev : e.events()) {
                if (ctx.prefixes().contains(ev.getKeyValue().getKey().getBytes())) {
                    ctx.publisher().change(ctx.mapper().watched(ev, epoch, now,
                            !reverse.isEmpty() && reverse.contains(ev.getKeyValue().getModRevision())));
                }
            }
            long before = tracker.violations();
            tracker.onEvents(e.maxRevision());
            if (tracker.violations() > before) {
                ctx.metrics().progressViolation();
            }
            ctx.metrics().etcdRevision(e.etcdRevision());
            startVerified = true; // a compacted watch delivers no event, only its cancellation
        } else if (item instanceof StreamItem.Progress p) {
            if (startVerified || startIsValid()) {
                tracker.onProgress(p.revision());
            }
            ctx.metrics().etcdRevision(p.revision());
        }
    }

    /**
     * The revisions among these events that the rollback path wrote: it puts its position key in
     * the same etcd transaction as the changes it copies from SQL, and etcd never splits one
     * revision's events across watch responses, so the whole transaction is here.
     */
    private Set<Long> reverseRevisions(List<WatchEvent> events) {
        Set<Long> revisions = Set.of();
        for (WatchEvent ev : events) {
            if (ev.getEventType() == WatchEvent.EventType.PUT
                    && Arrays.equals(ev.getKeyValue().getKey().getBytes(), reversePositionKey)) {
                revisions = revisions.isEmpty() ? new HashSet<>() : revisions;
                revisions.add(ev.getKeyValue().getModRevision());
            }
        }
        return revisions;
    }

    /**
     * Commits with the checkpoint and, when the delivered revision moved, a watermark at it to
     * every partition. A sink only trusts a change at revision s up to s - 1, so without the
     * watermark in the same transaction the change would wait for the next timer watermark to
     * become visible. Every change up to the delivered revision has been sent before the
     * watermark, so it is true on every partition.
     */
    private void commit() {
        long delivered = tracker.delivered();
        if (delivered > lastWatermark) {
            ctx.publisher().control(ControlRecord.Kind.WATERMARK, ctx.mapper().clusterId(), delivered, epoch);
        }
        ctx.publisher().commit(ctx.checkpoint(delivered, epoch, false));
        lastCommitNanos = System.nanoTime();
        lastWatermark = Math.max(lastWatermark, delivered);
    }

    private void commitIfOpen() {
        if (ctx.publisher().transactionOpen()) {
            commit();
        }
    }

    /**
     * etcd before 3.4.24 answers a progress request at once with its current revision, even for a
     * watch whose start revision is compacted and whose cancellation has not been sent yet. Trusting
     * that revision would checkpoint past changes the watch will never deliver. So before the first
     * progress notification of a session counts, a read at the start revision proves etcd still has
     * it; the read comes after the notification, so the watch was registered before it.
     */
    private boolean startIsValid() {
        try {
            ctx.etcd().getKVClient().get(ByteSequence.from(ctx.prefixes().watchSpan().start()),
                    GetOption.builder().withRevision(sessionFrom).withLimit(1).withKeysOnly(true).build())
                    .get(10, TimeUnit.SECONDS);
            startVerified = true;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunContext.Stopped();
        } catch (Exception e) {
            if (Failures.isCompaction(e)) {
                throw new Failures.RevisionCompacted("etcd compacted revision " + sessionFrom + ", which the watch needed", e);
            }
            if (Failures.isFutureRevision(e)) {
                startVerified = true; // the watch starts past etcd's newest revision: nothing there can be compacted
                return true;
            }
            LOG.debug("Could not check revision {} yet ({}); ignoring this progress notification", sessionFrom, e.toString());
            return false;
        }
    }

    private void open() {
        session++;
        tracker.forgetCandidate();
        sessionFrom = tracker.delivered() + 1;
        startVerified = false;
        stream = new ChangeStream(ctx.etcd(), ctx.prefixes().watchSpan(), tracker.delivered() + 1,
                config.prevKv(), session, queue);
        LOG.info("Watching {} from revision {} (epoch {})", ctx.config().etcd().prefixes(), tracker.delivered() + 1,
                epoch);
    }

    private void pause(long ms) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (!ctx.stopping() && System.nanoTime() < until) {
            queue.clear(); // stale items of the failed session; frees a callback blocked on a full queue
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunContext.Stopped();
            }
        }
    }
}
