package io.ferry.cli.faults;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Writers against real etcd, paced to {@link FaultSettings#ops()} key writes over the run. Every
 * request holds the read side of a lock that a fault which could leave a write's outcome unknown (etcd
 * restarted, a cluster member killed or cut off) takes for writing: a write whose outcome is unknown
 * would make the history a guess, so such faults act only between requests. Any write that fails
 * anyway stops the run with a harness error.
 */
final class Workload implements AutoCloseable {

    private final Client etcd;
    private final KeyPool pool;
    private final History history;
    private final FaultSettings settings;
    private final OpCounts counts = new OpCounts();
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();

    Workload(Client etcd, KeyPool pool, History history, FaultSettings settings) {
        this.etcd = etcd;
        this.pool = pool;
        this.history = history;
        this.settings = settings;
    }

    /** Starts the writers; they write until {@link #end(Duration)}. */
    void start() {
        double perWorkerPerSecond = settings.ops() / (double) settings.workload().toSeconds() / settings.workers();
        for (int w = 0; w < settings.workers(); w++) {
            WorkloadWorker worker = new WorkloadWorker(w, etcd, pool, history, counts, settings, gate.readLock());
            Thread t = new Thread(() -> {
                try {
                    worker.run(perWorkerPerSecond, stop);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stop.set(true);
                }
            }, "faults-workload-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /**
     * Holds every writer between requests while {@code action} runs (an etcd restart, a member killed
     * or cut off), then until the workload's etcd answers a linearizable read; returns how long the
     * writers were held, in ms.
     */
    long paused(Runnable action) {
        long t0 = System.nanoTime();
        gate.writeLock().lock();
        try {
            action.run();
            awaitAnswer();
        } finally {
            gate.writeLock().unlock();
        }
        long held = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        counts.pausedMillis.addAndGet(held);
        return held;
    }

    /**
     * Runs {@code action} against etcd as one of the workload's requests would: never while the
     * workload is held for a fault, so that etcd can answer it (the compaction of
     * {@link FaultKind#COMPACTION_WHILE_WATCHER_DOWN}).
     */
    <T> T asRequest(java.util.function.Supplier<T> action) {
        gate.readLock().lock();
        try {
            return action.get();
        } finally {
            gate.readLock().unlock();
        }
    }

    /** The current etcd revision, from a range response header. */
    long revision() throws Exception {
        return etcd.getKVClient().get(pool.bytes(0), GetOption.builder().withCountOnly(true).build())
                .get(30, TimeUnit.SECONDS).getHeader().getRevision();
    }

    boolean failed() {
        return failure.get() != null;
    }

    /** Stops the writers after their current request and waits up to {@code limit} for them; rethrows the first harness error. */
    void end(Duration limit) throws Exception {
        stop.set(true);
        for (Thread t : threads) {
            t.join(limit.toMillis());
        }
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException("The workload failed (a harness error, not a Ferry verdict): " + e, e);
        }
    }

    OpCounts counts() {
        return counts;
    }

    @Override
    public void close() {
        stop.set(true);
    }

    private void awaitAnswer() {
        // jetcd reconnects on its own; reads are retried by jetcd, so one read proves the channel is back.
        AtomicReference<Exception> last = new AtomicReference<>();
        try {
            Awaitility.await("etcd to answer the workload's client").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        try {
                            revision();
                            return true;
                        } catch (Exception e) {
                            last.set(e);
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("etcd did not answer the workload's client within 60 s after its restart", last.get());
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
