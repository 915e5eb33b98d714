package io.ferry.cli.faults;

import io.ferry.testkit.SqlDatabase;
import io.ferry.testkit.TcpProxy;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs one lane per fault kind, side by side, until the run has lasted its minimum time and every
 * kind has reached its count (or the run's limit). A fault takes the lock of every part it acts on:
 * the watcher, one database's sinks, a server. So a replay (which needs Kafka, its database and its
 * sinks stopped) waits for a broker or database restart, or a reset of its database's link, to
 * finish, and a watcher kill never lands on a watcher that a compaction keeps down, while faults on
 * different parts overlap freely. Locks are always taken in the order watcher, sinks, etcd, Kafka,
 * database. A compaction runs as one of the workload's requests, which etcd's faults hold off while
 * they act (see {@link Workload#paused}). What a fault on etcd or Kafka does is the run's
 * {@link Topology}'s: one server of each, or clusters.
 */
final class FaultInjector {

    private static final java.time.Duration READY_LIMIT = java.time.Duration.ofSeconds(90);

    private final Deployment deployment;
    private final Topology topology;
    private final Workload workload;
    private final FaultSettings settings;
    private final Set<FaultKind> kinds;
    // Fair: two lanes that share a part take turns, instead of one starving the other of its count.
    private final ReentrantLock watcherLock = new ReentrantLock(true);
    private final ReentrantLock etcdLock = new ReentrantLock(true);
    private final ReentrantLock kafkaLock = new ReentrantLock(true);
    private final ReentrantLock[] sinkLocks;
    private final ReentrantLock[] dbLocks;
    private final List<InjectedFault> done = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private long t0;

    /** Injects {@code kinds}, each of which is either common to every run or one of {@code topology}'s. */
    FaultInjector(Deployment deployment, Topology topology, Workload workload, FaultSettings settings, Set<FaultKind> kinds) {
        this.deployment = deployment;
        this.topology = topology;
        this.workload = workload;
        this.settings = settings;
        this.kinds = kinds;
        this.sinkLocks = locks(deployment.targets().size());
        this.dbLocks = locks(deployment.targets().size());
    }

    private static ReentrantLock[] locks(int n) {
        ReentrantLock[] locks = new ReentrantLock[n];
        for (int i = 0; i < n; i++) {
            locks[i] = new ReentrantLock(true);
        }
        return locks;
    }

    /**
     * Runs every kind's lane until {@code minEndNanos} has passed and the kind has {@link FaultSettings#perKind()}
     * faults, or until {@code limitNanos} (a fault under way is finished), or until the workload fails.
     */
    void run(long startNanos, long minEndNanos, long limitNanos) throws InterruptedException {
        t0 = startNanos;
        List<Thread> lanes = new java.util.ArrayList<>();
        for (FaultKind kind : kinds) {
            FaultSchedule schedule = new FaultSchedule(settings.seed(), kind);
            Thread lane = new Thread(() -> runLane(schedule, minEndNanos, limitNanos), "faults-lane-" + kind);
            lanes.add(lane);
            lane.start();
        }
        for (Thread t : lanes) {
            t.join();
        }
    }

    List<InjectedFault> injected() {
        return List.copyOf(done);
    }

    void stop() {
        stop.set(true);
    }

    private void runLane(FaultSchedule schedule, long minEndNanos, long limitNanos) {
        int injected = 0;
        // Bounded by the limit: every pass sleeps its pause, and no pause starts that would end past the limit.
        while (!stop.get() && !workload.failed() && (System.nanoTime() < minEndNanos || injected < settings.perKind())) {
            FaultSchedule.Fault f = schedule.next();
            if (System.nanoTime() + f.pauseBeforeMs() * 1_000_000 >= limitNanos) {
                return;
            }
            Workload.sleep(f.pauseBeforeMs());
            long start = System.nanoTime();
            String detail = null;
            String error = null;
            try {
                detail = inject(f.kind(), new Random(f.choice()));
                injected++;
            } catch (RuntimeException | AssertionError e) {
                error = e.toString();
            }
            done.add(new InjectedFault(f.kind(), detail, (start - t0) / 1_000_000, (System.nanoTime() - start) / 1_000_000, error));
        }
    }

    private String inject(FaultKind kind, Random rnd) {
        return switch (kind) {
            case WATCHER_KILL -> locked(watcherLock, () -> killAndStart(deployment.watcher(), rnd));
            case SINK_KILL -> {
                List<FerryProcess> sinks = deployment.sinks();
                FerryProcess sink = sinks.get(rnd.nextInt(sinks.size()));
                yield locked(sinkLocks[targetOf(sink)], () -> killAndStart(sink, rnd));
            }
            case COMPACTION_WHILE_WATCHER_DOWN -> compactWhileWatcherDown(rnd);
            case REPLAY_FROM_BEGINNING -> replay(rnd);
            case KAFKA_KILL -> locked(kafkaLock, () -> topology.inject(kind, rnd, workload, deployment));
            case ETCD_RESTART -> locked(etcdLock, () -> topology.inject(kind, rnd, workload, deployment));
            case ETCD_LEADER_KILL, ETCD_MEMBER_PARTITION, BROKER_KILL -> clusterFault(kind, rnd);
            case NETWORK_RESET -> {
                TcpProxy proxy = deployment.proxies().get(rnd.nextInt(deployment.proxies().size()));
                yield lockedForLink(proxy, () -> "reset " + proxy.resetAll() + " sockets to " + proxy.name());
            }
            case NETWORK_DELAY -> {
                TcpProxy proxy = deployment.proxies().get(rnd.nextInt(deployment.proxies().size()));
                long delay = 20 + rnd.nextInt(280);
                long length = 1000 + rnd.nextInt(4000);
                proxy.delay(delay);
                try {
                    Workload.sleep(length);
                } finally {
                    proxy.delay(0);
                }
                yield delay + " ms per chunk to " + proxy.name() + " for " + length + " ms";
            }
            case POSTGRES_RESTART -> restartDatabase(SqlDatabase.Kind.POSTGRES);
            case MARIADB_RESTART -> restartDatabase(SqlDatabase.Kind.MARIADB);
        };
    }

    /**
     * A fault on the clusters, one time in two on a watcher that streams before and throughout it (the
     * watcher's lanes wait meanwhile): the watcher's lanes keep it down or starting much of the time,
     * and a fault it rides out while it streams shows that it moves to another member or broker by
     * itself. The other half land wherever the watcher is, a start-up or a recovery included.
     */
    private String clusterFault(FaultKind kind, Random rnd) {
        boolean onStreamingWatcher = rnd.nextBoolean();
        ReentrantLock server = kind.actsOnEtcd() ? etcdLock : kafkaLock;
        if (!onStreamingWatcher) {
            return locked(server, () -> topology.inject(kind, rnd, workload, deployment));
        }
        return locked(watcherLock, () -> {
            boolean streaming = deployment.watcher().awaitReady(READY_LIMIT);
            return (streaming ? "on a streaming watcher: " : "on a watcher that did not stream within 90 s: ")
                    + locked(server, () -> topology.inject(kind, rnd, workload, deployment));
        });
    }

    private String killAndStart(FerryProcess p, Random rnd) {
        // Killed while it works: mid-transaction, mid-batch, between a SQL commit and the next poll.
        boolean ready = p.awaitReady(READY_LIMIT);
        long uptime = 300 + rnd.nextInt(2700);
        Workload.sleep(uptime);
        p.kill();
        long down = rnd.nextInt(1000);
        Workload.sleep(down);
        p.start();
        String detail = p.name() + " killed " + uptime + " ms after " + (ready ? "it was ready" : "90 s of not getting ready")
                + ", down " + down + " ms";
        if (rnd.nextInt(4) == 0) {
            // And one time in four again while it starts up: mid-recovery, mid-snapshot, mid-rebalance.
            long early = rnd.nextInt(3000);
            Workload.sleep(early);
            p.kill();
            p.start();
            detail += ", killed again " + early + " ms into its restart";
        }
        return detail;
    }

    private int targetOf(FerryProcess sink) {
        for (int i = 0; i < deployment.targets().size(); i++) {
            if (deployment.targets().get(i).sinks().contains(sink)) {
                return i;
            }
        }
        throw new IllegalArgumentException(sink.name() + " is no target's sink");
    }

    private String compactWhileWatcherDown(Random rnd) {
        return locked(watcherLock, () -> compactWhileWatcherDownLocked(rnd));
    }

    private String compactWhileWatcherDownLocked(Random rnd) {
        FerryProcess watcher = deployment.watcher();
        // Killed wherever it is, streaming or still starting: its checkpoint exists since the deployment's first
        // start, so the restart always resumes from a revision the compaction has removed. Not waiting for it to
        // stream again halves the watcher's share of the run.
        Workload.sleep(300 + rnd.nextInt(2200));
        watcher.kill();
        // Writes (deletes among them) land in the gap; the compaction removes the history the watcher
        // would resume from, so it must take a new snapshot and the sinks must sweep the gap's deletes.
        Workload.sleep(500 + rnd.nextInt(1500));
        try {
            // As one of the workload's requests: never while a fault on etcd holds the workload, so etcd can
            // answer; in between, the workload's etcd has a leader and a quorum, whatever else is down or cut off.
            return workload.asRequest(() -> {
                try {
                    long rev = workload.revision();
                    topology.compact(rev);
                    return "compacted at revision " + rev;
                } catch (Exception e) {
                    throw new IllegalStateException("compaction failed: " + e, e);
                }
            });
        } finally {
            watcher.start();
        }
    }

    private String replay(Random rnd) {
        int i = rnd.nextInt(deployment.targets().size());
        Target target = deployment.targets().get(i);
        boolean hard = rnd.nextBoolean();
        return locked(sinkLocks[i], () -> {
            for (FerryProcess s : target.sinks()) {
                if (hard) {
                    s.kill();
                } else {
                    s.stop();
                }
            }
            int attempts;
            try {
                // Only the command itself needs Kafka and the database up; the sinks' stop and start do not.
                attempts = locked(kafkaLock, () -> locked(dbLocks[i], () -> deployment.replayFromBeginning(target)));
            } finally {
                target.sinks().forEach(FerryProcess::start);
            }
            return target.name() + " sinks " + (hard ? "killed" : "stopped") + ", replayed from offset 0"
                    + (attempts > 1 ? " (attempt " + attempts + ")" : "");
        });
    }

    /**
     * A reset of a database's link takes that database's lock: {@code ferry replay} is an operator's
     * one-shot command that fails on a reset connection (exit 2, as designed), and with a reset every
     * second or two it would fail every attempt. The sinks, which retry, get resets all the same.
     */
    private String lockedForLink(TcpProxy proxy, java.util.function.Supplier<String> action) {
        for (int i = 0; i < deployment.targets().size(); i++) {
            if (deployment.targets().get(i).name().equals(proxy.name())) {
                return locked(dbLocks[i], action);
            }
        }
        return action.get();
    }

    private String restartDatabase(SqlDatabase.Kind kind) {
        for (int i = 0; i < deployment.targets().size(); i++) {
            Target t = deployment.targets().get(i);
            if (t.db().kind() == kind) {
                return locked(dbLocks[i], () -> {
                    t.db().restart();
                    return t.name() + " restarted";
                });
            }
        }
        return "no " + kind + " target";
    }

    private static <T> T locked(ReentrantLock lock, java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
