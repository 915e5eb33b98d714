package io.ferry.watcher;

import io.ferry.core.config.FerryConfig;
import io.ferry.core.event.Checkpoint;
import io.ferry.watcher.engine.Checkpoints;
import io.ferry.watcher.engine.WatcherEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicates etcd into a Kafka topic: a consistent snapshot at revision R, then a gap-free
 * watch from R+1, produced exactly once through Kafka transactions with the checkpoint in the
 * same transaction; see {@code docs/watcher.md}.
 *
 * <p>Life cycle: {@link #create}, {@link #start()} (returns at once; the work runs on thread
 * {@code ferry-watcher-main}), {@link #awaitStreaming(Duration)}, {@link #close()}. Failures
 * that resuming from the checkpoint can get past (Kafka or etcd away for a while, leadership
 * lost) are retried with back-off; the rest end in {@link WatcherState#FAILED}.
 */
public final class EtcdWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdWatcher.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    private static final long MAX_BACKOFF_MS = 10_000;

    private final FerryConfig config;
    private final WatcherEngine engine;
    private final WatcherStateMeters stateMeters;
    private final AtomicReference<WatcherState> state = new AtomicReference<>(WatcherState.NEW);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Object stateChanged = new Object();
    private volatile boolean connected;
    private Thread thread;

    private EtcdWatcher(FerryConfig config, MeterRegistry registry) {
        this.config = config;
        this.engine = new WatcherEngine(config, registry);
        this.stateMeters = new WatcherStateMeters(registry, state::get);
    }

    /**
     * The newest committed checkpoint of the watcher {@code config} describes, read from its checkpoint topic, for
     * commands run beside it ({@code ferry status}, the preflight); empty when it has written none.
     */
    public static Optional<Checkpoint> latestCheckpoint(FerryConfig config) {
        return Checkpoints.latest(config);
    }

    /** Validates the Kafka client settings; connects nothing until {@link #start()}. */
    public static EtcdWatcher create(FerryConfig config, MeterRegistry registry) {
        return new EtcdWatcher(config, registry);
    }

    /** Starts the watcher on its own thread and returns. */
    public void start() {
        transition(WatcherState.NEW, WatcherState.STARTING);
        thread = new Thread(this::runMain, "ferry-watcher-main");
        thread.start();
    }

    public WatcherState state() {
        return state.get();
    }

    /** The error that put the watcher into {@link WatcherState#FAILED}. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Last etcd revision up to which every change under the prefixes is committed to Kafka. */
    public long producedRevision() {
        return engine.producedRevision();
    }

    /**
     * Waits until the watcher streams changes (its snapshot, if any, is done).
     *
     * @return false when it did not get there in time (for example because it stands by)
     * @throws WatcherException when it failed, with the failure as cause
     */
    public boolean awaitStreaming(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stateChanged) {
            while (true) {
                WatcherState s = state.get();
                if (s == WatcherState.STREAMING) {
                    return true;
                }
                if (s == WatcherState.FAILED) {
                    throw new WatcherException("the watcher failed: " + failure.get().getMessage(), failure.get());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || s == WatcherState.STOPPED) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(stateChanged, left);
            }
        }
    }

    /**
     * Waits until the watcher has reached etcd and Kafka and created or checked its topics, so that
     * a sink started after it finds the change topic as Ferry needs it ({@code ferry run} starts its
     * sink only then).
     *
     * @return false when that did not happen in time
     * @throws WatcherException when the watcher failed first, with the failure as cause
     */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stateChanged) {
            while (!connected) {
                if (state.get() == WatcherState.FAILED) {
                    throw new WatcherException(failure.get().getMessage(), failure.get());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || state.get() == WatcherState.STOPPED) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(stateChanged, left);
            }
            return true;
        }
    }

    private void runMain() {
        LOG.info("Starting the etcd watcher: {} -> {}", config.etcd(), config.kafka());
        try {
            engine.connect();
        } catch (Throwable e) {
            fail(e);
            return;
        }
        synchronized (stateChanged) {
            connected = true;
            stateChanged.notifyAll();
        }
        long backoffMs = 500;
        int attempt = 0;
        while (!stopping()) {
            try {
                engine.run(this::moveTo, this::stopping);
                break;
            } catch (Throwable e) {
                if (stopping()) {
                    break;
                }
                if (engine.isFatal(e)) {
                    fail(e);
                    return;
                }
                attempt++;
                LOG.warn("The watcher hit a failure it can resume from (attempt {}); resuming from the checkpoint in "
                        + "{} ms: {}", attempt, backoffMs, e.toString(), e);
                moveTo(WatcherState.RECOVERING);
                awaitStop(backoffMs);
                if (!stopping()) {
                    engine.reconnectEtcd();
                }
                backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            }
        }
        moveTo(WatcherState.STOPPED);
    }

    private boolean stopping() {
        return closed.get();
    }

    private void awaitStop(long ms) {
        try {
            stopRequested.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(Throwable e) {
        failure.set(e);
        LOG.error("The etcd watcher stopped on an error it cannot recover from: {}", e.getMessage(), e);
        moveTo(WatcherState.FAILED);
    }

    private void transition(WatcherState from, WatcherState to) {
        if (!state.compareAndSet(from, to)) {
            throw new IllegalStateException("the watcher is " + state.get() + ", not " + from + "; cannot move to " + to);
        }
        announce(from, to);
    }

    /** Moves to {@code to} from whatever the state is, unless the watcher already ended. */
    private void moveTo(WatcherState to) {
        while (true) {
            WatcherState from = state.get();
            if (from == to || from == WatcherState.FAILED || from == WatcherState.STOPPED
                    || (from == WatcherState.STOPPING && to != WatcherState.STOPPED && to != WatcherState.FAILED)) {
                return;
            }
            if (state.compareAndSet(from, to)) {
                announce(from, to);
                return;
            }
        }
    }

    private void announce(WatcherState from, WatcherState to) {
        LOG.info("Watcher state {} -> {}", from, to);
        synchronized (stateChanged) {
            stateChanged.notifyAll();
        }
    }

    /** Stops: commits what is complete, closes clients and removes the meters; waits at most 30 s. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        moveTo(WatcherState.STOPPING);
        stopRequested.countDown();
        if (thread != null) {
            try {
                thread.join(CLOSE_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("Thread {} did not stop within {} s; closing its clients under it", thread.getName(),
                        CLOSE_WAIT.toSeconds());
            }
        }
        engine.close();
        moveTo(WatcherState.STOPPED);
        stateMeters.close();
    }
}
