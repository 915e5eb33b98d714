package io.ferry.cli.faults;

import io.ferry.testkit.Processes;
import io.ferry.testkit.SqlDatabase;
import io.ferry.testkit.TcpProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ferry as an operator runs it, in separate processes from the packaged jar: one watcher and, per
 * target database, the sinks of its consumer group. A supervisor thread starts again whatever exits
 * on its own (as systemd would) and writes it down for the report.
 */
final class Deployment implements AutoCloseable {

    static final String TOPIC = "ferry.faults";
    static final int PARTITIONS = 3;

    private final Path dir;
    private final FerryProcess watcher;
    private final List<Target> targets;
    private final List<TcpProxy> proxies;
    private final List<TcpProxy> dbProxies;
    private final List<String> unexpectedExits = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private Thread supervisor;

    private Deployment(Path dir, FerryProcess watcher, List<Target> targets, List<TcpProxy> proxies, List<TcpProxy> dbProxies) {
        this.dir = dir;
        this.proxies = proxies;
        this.dbProxies = dbProxies;
        this.watcher = watcher;
        this.targets = targets;
    }

    /**
     * Writes one configuration file per database, with the servers of {@code topology}; {@code sinks[i]}
     * sink processes for {@code dbs[i]}.
     */
    static Deployment create(Path dir, Topology topology, List<SqlDatabase> dbs, int[] sinks) throws IOException {
        List<Target> targets = new ArrayList<>();
        List<TcpProxy> dbProxies = new ArrayList<>();
        // Ferry reaches etcd (the topology's proxies, one per member) and the databases through proxies (the
        // network faults); Kafka directly, because its clients connect to the addresses the brokers advertise,
        // which a plain proxy cannot rewrite.
        List<TcpProxy> proxies = new ArrayList<>(topology.etcdProxies());
        for (int i = 0; i < dbs.size(); i++) {
            SqlDatabase db = dbs.get(i);
            String name = db.kind().name().toLowerCase(java.util.Locale.ROOT);
            Path config = dir.resolve(name + ".yaml");
            TcpProxy dbProxy = TcpProxy.to(name, db.jdbcUrl());
            proxies.add(dbProxy);
            dbProxies.add(dbProxy);
            Files.writeString(config, String.join("\n",
                    "etcd.endpoints: " + topology.ferryEtcdEndpoints(),
                    "etcd.prefix: " + KeyPool.PREFIX,
                    "kafka.bootstrap: " + topology.kafkaBootstrap(),
                    "kafka.topic: " + TOPIC,
                    "kafka.topic.partitions: " + PARTITIONS,
                    "sink.jdbc: " + dbProxy.through(db.jdbcUrl()),
                    "sink.user: " + db.user(),
                    "sink.password: \"" + db.password() + "\"",
                    "sink.group: " + Target.groupOf(name),
                    // One watcher: without the election a restarted watcher need not wait out the old lease.
                    "watcher.ha.enabled: false",
                    "http.enabled: false",
                    ""), StandardCharsets.UTF_8);
            List<FerryProcess> group = new ArrayList<>();
            for (int s = 0; s < sinks[i]; s++) {
                // Static members of one group on one host: each needs its own id (the default is the host name).
                // A sink killed with -9 and restarted under its id gets its partitions back at once, as in production.
                String sinkName = "sink-" + name + "-" + s;
                Path sinkConfig = dir.resolve(sinkName + ".yaml");
                Files.writeString(sinkConfig, Files.readString(config) + "sink.instance.id: " + sinkName + "\n",
                        StandardCharsets.UTF_8);
                group.add(new FerryProcess(sinkName, "sink", sinkConfig, dir));
            }
            targets.add(new Target(name, db, config, group));
        }
        FerryProcess watcher = new FerryProcess("watcher", "watch", targets.get(0).config(), dir);
        return new Deployment(dir, watcher, targets, proxies, dbProxies);
    }

    /** Every proxy between Ferry and a server: the etcd members' first, then the databases'. */
    List<TcpProxy> proxies() {
        return proxies;
    }

    void start() {
        watcher.start();
        targets.forEach(t -> t.sinks().forEach(FerryProcess::start));
        supervisor = new Thread(this::supervise, "faults-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    /** Waits until the watcher streams and every sink runs, so the topic and the tables exist before any fault. */
    void awaitReady(Duration limit) {
        List<FerryProcess> all = new ArrayList<>(sinks());
        all.add(0, watcher);
        long deadline = System.nanoTime() + limit.toNanos();
        for (FerryProcess p : all) {
            if (!p.awaitReady(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                throw new IllegalStateException(p.name() + " did not become ready within " + limit.toSeconds() + " s\n" + p.tail());
            }
        }
    }

    FerryProcess watcher() {
        return watcher;
    }

    List<Target> targets() {
        return targets;
    }

    List<FerryProcess> sinks() {
        return targets.stream().flatMap(t -> t.sinks().stream()).toList();
    }

    List<String> unexpectedExits() {
        return List.copyOf(unexpectedExits);
    }

    /**
     * {@code ferry replay --from-beginning} for {@code target}, tried up to three times as an operator
     * would: it goes through the database proxy, whose resets can fail a single attempt with "cannot
     * connect" (exit code 2). Returns how many attempts it took; throws when all three fail.
     */
    int replayFromBeginning(Target target) {
        Path log = dir.resolve("replay-" + target.name() + ".log");
        for (int attempt = 1; attempt <= 3; attempt++) {
            Process p = Processes.start(FerryProcess.javaCommand("replay", target.config(), "--from-beginning"), log, Map.of());
            if (Processes.await(p, Duration.ofMinutes(2)) == 0) {
                return attempt;
            }
            Workload.sleep(1000); // a pause before the next of three attempts, not a wait for a condition
        }
        throw new IllegalStateException("ferry replay --from-beginning on " + target.name() + " failed three times\n"
                + Processes.tail(log, 30));
    }

    private void supervise() {
        // Bounded by the flag the test sets at the end; one pass every half second.
        while (!stop.get()) {
            List<FerryProcess> all = new ArrayList<>(sinks());
            all.add(watcher);
            for (FerryProcess p : all) {
                Integer exit = p.restartIfExited();
                if (exit != null) {
                    unexpectedExits.add(p.name() + " exited by itself with code " + exit + " at " + java.time.Instant.now()
                            + "; restarted");
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        stop.set(true);
        if (supervisor != null) {
            supervisor.interrupt();
        }
        sinks().forEach(FerryProcess::stop);
        watcher.stop();
        // The etcd proxies are the topology's, which closes them.
        dbProxies.forEach(TcpProxy::close);
    }
}
