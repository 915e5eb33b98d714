package io.ferry.cli.faults;

import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the two lanes of the fault schedule side by side until the deadline. A fault that needs a
 * server up (a replay needs Kafka and its database; a compaction needs etcd) takes that server's lock,
 * which the other lane holds while it restarts the server, so faults only collide where they should.
 */
final class FaultInjector {

    private static final java.time.Duration READY_LIMIT = java.time.Duration.ofSeconds(90);

    private final Deployment deployment;
    private final EtcdServer etcd;
    private final KafkaBroker kafka;
    private final Workload workload;
    private final FaultSettings settings;
    private final ReentrantLock etcdLock = new ReentrantLock();
    private final ReentrantLock kafkaLock = new ReentrantLock();
    private final ReentrantLock[] dbLocks;
    private final List<InjectedFault> done = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private long t0;

    FaultInjector(Deployment deployment, EtcdServer etcd, KafkaBroker kafka, Workload workload, FaultSettings settings) {
        this.deployment = deployment;
        this.etcd = etcd;
        this.kafka = kafka;
        this.workload = workload;
        this.settings = settings;
        this.dbLocks = new ReentrantLock[deployment.targets().size()];
        for (int i = 0; i < dbLocks.length; i++) {
            dbLocks[i] = new ReentrantLock();
        }
    }

    /** Runs both lanes until {@code deadlineNanos} (a fault under way is finished) or the workload fails. */
    void run(long startNanos, long deadlineNanos) throws InterruptedException {
        t0 = startNanos;
        Thread[] lanes = new Thread[FaultKind.Lane.values().length];
        for (FaultKind.Lane lane : FaultKind.Lane.values()) {
            // 1,000 rounds is far more than any run reaches; the deadline ends the lane.
            FaultSchedule schedule = new FaultSchedule(settings.seed(), lane, 1000, settings.excluded());
            lanes[lane.ordinal()] = new Thread(() -> runLane(schedule, deadlineNanos), "faults-lane-" + lane);
            lanes[lane.ordinal()].start();
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

    private void runLane(FaultSchedule schedule, long deadlineNanos) {
        for (FaultSchedule.Fault f : schedule.faults()) {
            if (stop.get() || workload.failed() || System.nanoTime() + f.pauseBeforeMs() * 1_000_000 >= deadlineNanos) {
                return;
            }
            Workload.sleep(f.pauseBeforeMs());
            long start = System.nanoTime();
            String detail = null;
            String error = null;
            try {
                detail = inject(f.kind(), new Random(f.choice()));
            } catch (RuntimeException | AssertionError e) {
                error = e.toString();
            }
            done.add(new InjectedFault(f.kind(), detail, (start - t0) / 1_000_000, (System.nanoTime() - start) / 1_000_000, error));
        }
    }

    private String inject(FaultKind kind, Random rnd) {
        return switch (kind) {
            case WATCHER_KILL -> killAndStart(deployment.watcher(), rnd);
            case SINK_KILL -> {
                List<FerryProcess> sinks = deployment.sinks();
                yield killAndStart(sinks.get(rnd.nextInt(sinks.size())), rnd);
            }
            case COMPACTION_WHILE_WATCHER_DOWN -> compactWhileWatcherDown(rnd);
            case REPLAY_FROM_BEGINNING -> replay(rnd);
            case KAFKA_KILL -> locked(kafkaLock, () -> {
                kafka.kill();
                long down = rnd.nextInt(2000);
                Workload.sleep(down);
                kafka.start();
                return "broker down " + down + " ms before its restart";
            });
            case ETCD_RESTART -> locked(etcdLock, () -> {
                boolean hard = rnd.nextBoolean();
                workload.paused(() -> {
                    if (hard) {
                        etcd.kill();
                    } else {
                        etcd.stop();
                    }
                    Workload.sleep(rnd.nextInt(1000));
                    etcd.start();
                });
                return hard ? "kill -9" : "SIGTERM";
            });
            case NETWORK_RESET -> {
                TcpProxy proxy = deployment.proxies().get(rnd.nextInt(deployment.proxies().size()));
                yield "reset " + proxy.resetAll() + " sockets to " + proxy.name();
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

    private String killAndStart(FerryProcess p, Random rnd) {
        // Killed while it works: mid-transaction, mid-batch, between a SQL commit and the next poll.
        boolean ready = p.awaitReady(READY_LIMIT);
        long uptime = 500 + rnd.nextInt(4500);
        Workload.sleep(uptime);
        p.kill();
        long down = rnd.nextInt(1500);
        Workload.sleep(down);
        p.start();
        String detail = p.name() + " killed " + uptime + " ms after " + (ready ? "it was ready" : "90 s of not getting ready")
                + ", down " + down + " ms";
        if (rnd.nextInt(4) == 0) {
            // And one time in four again while it starts up: mid-recovery, mid-snapshot, mid-rebalance.
            long early = rnd.nextInt(4000);
            Workload.sleep(early);
            p.kill();
            p.start();
            detail += ", killed again " + early + " ms into its restart";
        }
        return detail;
    }

    private String compactWhileWatcherDown(Random rnd) {
        FerryProcess watcher = deployment.watcher();
        // Its checkpoint must exist, or there is nothing to resume from and no compaction to trip over.
        watcher.awaitReady(READY_LIMIT);
        Workload.sleep(500 + rnd.nextInt(2500));
        watcher.kill();
        // Writes (deletes among them) land in the gap; the compaction removes the history the watcher
        // would resume from, so it must take a new snapshot and the sinks must sweep the gap's deletes.
        Workload.sleep(1000 + rnd.nextInt(1500));
        String detail = locked(etcdLock, () -> {
            try {
                long rev = workload.revision();
                etcd.compact(rev);
                return "compacted at revision " + rev;
            } catch (Exception e) {
                throw new IllegalStateException("compaction failed: " + e, e);
            }
        });
        watcher.start();
        return detail;
    }

    private String replay(Random rnd) {
        int i = rnd.nextInt(deployment.targets().size());
        Target target = deployment.targets().get(i);
        boolean hard = rnd.nextBoolean();
        return locked(kafkaLock, () -> locked(dbLocks[i], () -> {
            for (FerryProcess s : target.sinks()) {
                if (hard) {
                    s.kill();
                } else {
                    s.stop();
                }
            }
            int attempts;
            try {
                attempts = deployment.replayFromBeginning(target);
            } finally {
                target.sinks().forEach(FerryProcess::start);
            }
            return target.name() + " sinks " + (hard ? "killed" : "stopped") + ", replayed from offset 0"
                    + (attempts > 1 ? " (attempt " + attempts + ")" : "");
        }));
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
