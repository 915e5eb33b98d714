package io.ferry.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeLogDirsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTransactionsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka cluster for a test class, three brokers by default as in production: each a
 * KRaft node in combined mode (broker and controller in one JVM) with a static controller quorum of
 * all nodes, run in a child JVM from the test class path on free loopback ports, with its data in a
 * temporary directory and its own log file.
 *
 * <p>The brokers run Apache's defaults apart from addresses: automatic topic creation is on (one
 * partition, replication factor 1), {@code min.insync.replicas} is 1, the internal topics have three
 * replicas and 50 partitions, records are limited to about 1 MiB, and a broker that stops
 * heartbeating is fenced after 9 s. That is the shape Ferry meets in production, without what
 * {@link KafkaBroker} must change for a single node (one replica of the internal topics) or changes
 * to make its tests faster (a 4 s session); create topics with the replication factor and settings
 * you mean to test. The only change is fewer threads, for the two shared cores.
 *
 * <p>Register it with {@code @RegisterExtension static final KafkaCluster KAFKA = new KafkaCluster();}:
 * it starts before the first test and is stopped, and its data deleted, after the last. It can also
 * be driven by hand with {@link #start()} and {@link #close()}. Give clients
 * {@link #bootstrapServers()}.
 *
 * <p>Faults are per {@link Broker}, found with {@link #broker(int)}, {@link #leaderOf(String, int)},
 * {@link #transactionCoordinator(String)} or {@link #groupCoordinator(String)}:
 * {@link Broker#kill()} is SIGKILL, a crash: its partitions move to other replicas once the
 * controller fences it, after the broker session timeout (9 s), and if it was the active controller
 * the other two elect a new one. {@link Broker#stop()} is SIGTERM, a controlled shutdown that moves
 * leadership away first. {@link Broker#start()} starts it again with the same ports and data; it
 * registers again (after a kill, only once its old session has expired) and catches up as a follower.
 * {@link #awaitHealthy(Duration)} waits until the running brokers lead every partition again.
 */
public final class KafkaCluster extends ServerExtension {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);
    private static final Duration START_LIMIT = Duration.ofSeconds(120);
    private static final Duration LOOKUP_LIMIT = Duration.ofSeconds(60);
    private static final int CALL_MS = 5000;

    private final int size;
    private final Map<String, String> overrides;
    private final Object adminLock = new Object();
    private Path dir;
    private List<Broker> brokers = List.of();
    private Admin admin;

    /** Three brokers with Apache's defaults. */
    public KafkaCluster() {
        this(3, Map.of());
    }

    /**
     * {@code size} brokers whose {@code server.properties} get {@code overrides} on top of the
     * addresses, e.g. {@code Map.of("min.insync.replicas", "2")}.
     */
    public KafkaCluster(int size, Map<String, String> overrides) {
        if (size < 1) {
            throw new IllegalArgumentException("A Kafka cluster needs at least one broker, not " + size);
        }
        this.size = size;
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * Starts every broker that does not run (all of them the first time, after formatting their
     * storage with one cluster id) and waits until the cluster is healthy.
     */
    public synchronized void start() {
        long began = System.nanoTime();
        if (dir == null) {
            dir = TempDirs.create("ferry-kafka-cluster-");
            List<Broker> created = new ArrayList<>();
            for (int id = 1; id <= size; id++) {
                created.add(new Broker(id));
            }
            brokers = List.copyOf(created);
            String voters = brokers.stream().map(b -> b.id + "@127.0.0.1:" + b.controllerPort).collect(Collectors.joining(","));
            String clusterId = Uuid.randomUuid().toString();
            brokers.forEach(b -> b.writeFiles(voters));
            // All at once: each is a JVM start, and the formats do not depend on one another.
            Map<Broker, Process> formats = new HashMap<>();
            brokers.forEach(b -> formats.put(b, KafkaFiles.startFormat(b.dir, clusterId, b.log())));
            formats.forEach((b, p) -> KafkaFiles.awaitFormatted(p, b.log(), START_LIMIT));
            LOG.info("Kafka cluster {} formatted in {} ms", clusterId, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        }
        // All at once: the controllers need a majority of the quorum before any broker can register.
        brokers.stream().filter(b -> !b.running()).forEach(Broker::launch);
        awaitHealthy(START_LIMIT);
        LOG.info("Kafka cluster of {} answers at {} ({} ms), data in {}", size, bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), dir);
    }

    /** {@code 127.0.0.1:<port>} of every broker, comma-separated. */
    public String bootstrapServers() {
        requireStarted();
        return brokers.stream().map(Broker::address).collect(Collectors.joining(","));
    }

    /** An admin client for the cluster, created on first use and closed with it. */
    public Admin admin() {
        // Not the cluster's monitor: start() holds that while Awaitility's thread asks the cluster.
        synchronized (adminLock) {
            if (admin == null) {
                admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
            }
            return admin;
        }
    }

    /** The brokers, ordered by node id. */
    public List<Broker> brokers() {
        requireStarted();
        return brokers;
    }

    /** The broker with node id {@code nodeId} (1, 2, 3...). */
    public Broker broker(int nodeId) {
        return brokers().stream().filter(b -> b.id == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No broker has node id " + nodeId + "; the ids are 1 to " + size));
    }

    /** The running broker that leads {@code topic}'s {@code partition}; waits up to 60 s for there to be one. */
    public Broker leaderOf(String topic, int partition) {
        return await("a running leader of " + topic + "-" + partition, () -> {
            TopicDescription d = admin().describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(CALL_MS))
                    .allTopicNames().get(CALL_MS, TimeUnit.MILLISECONDS).get(topic);
            return runningBroker(d.partitions().get(partition).leader());
        });
    }

    /**
     * The running broker that coordinates transactions of {@code transactionalId}, asked with
     * {@link Admin#describeTransactions} (which finds the coordinator with FindCoordinator), and waited
     * for up to 60 s while the coordinator moves after a fault. A producer must have used the id
     * ({@code initTransactions}); for an id Kafka does not know this throws {@link IllegalArgumentException}.
     */
    public Broker transactionCoordinator(String transactionalId) {
        return await("the transaction coordinator of " + transactionalId, () -> {
            int id = existing(admin().describeTransactions(List.of(transactionalId), new DescribeTransactionsOptions().timeoutMs(CALL_MS))
                    .description(transactionalId), "transactional id " + transactionalId).coordinatorId();
            return runningBroker(new Node(id, "", -1));
        });
    }

    /**
     * The running broker that coordinates consumer group {@code groupId}, asked with
     * {@link Admin#describeConsumerGroups}, and waited for up to 60 s while it moves after a fault. The
     * group must exist (a member joined it or offsets were committed for it); for a group Kafka does
     * not know this throws {@link IllegalArgumentException}.
     */
    public Broker groupCoordinator(String groupId) {
        return await("the group coordinator of " + groupId, () -> runningBroker(existing(admin()
                .describeConsumerGroups(List.of(groupId), new DescribeConsumerGroupsOptions().timeoutMs(CALL_MS))
                .describedGroups().get(groupId), "consumer group " + groupId).coordinator()));
    }

    /**
     * Waits up to {@code limit} until every running broker is registered with the controller (and not
     * fenced) and every partition of every topic, internal ones included, has a leader that runs.
     */
    public void awaitHealthy(Duration limit) {
        try {
            Awaitility.await("the Kafka cluster at " + bootstrapServers() + " to be healthy").atMost(limit)
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .failFast("a broker exited", () -> brokers.stream().anyMatch(Broker::crashed))
                    .until(this::healthy);
        } catch (RuntimeException | AssertionError e) {
            throw new IllegalStateException("The Kafka cluster was not healthy within " + limit.toSeconds() + " s: "
                    + brokers + "\n" + brokers.stream().map(b -> Processes.tail(b.log(), 20)).collect(Collectors.joining("\n")), e);
        }
    }

    /** Kills every broker, closes the admin client and deletes the data. Safe to call twice. */
    @Override
    public synchronized void close() {
        synchronized (adminLock) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
                admin = null;
            }
        }
        brokers.forEach(Broker::destroy);
        brokers = List.of();
        TempDirs.delete(dir);
        dir = null;
    }

    private boolean healthy() throws Exception {
        Set<Integer> registered = admin().describeCluster(new DescribeClusterOptions().timeoutMs(CALL_MS)).nodes()
                .get(CALL_MS, TimeUnit.MILLISECONDS).stream().map(Node::id).collect(Collectors.toSet());
        Set<Integer> running = brokers.stream().filter(Broker::running).map(Broker::id).collect(Collectors.toSet());
        if (!registered.containsAll(running)) {
            return false;
        }
        Set<String> topics = admin().listTopics(new ListTopicsOptions().listInternal(true).timeoutMs(CALL_MS)).names()
                .get(CALL_MS, TimeUnit.MILLISECONDS);
        for (TopicDescription d : admin().describeTopics(topics, new DescribeTopicsOptions().timeoutMs(CALL_MS)).allTopicNames()
                .get(CALL_MS, TimeUnit.MILLISECONDS).values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.leader() == null || !running.contains(p.leader().id())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The broker of {@code node} if it runs, else null (which makes {@link #await} try again). */
    private Broker runningBroker(Node node) {
        if (node == null || node.id() < 0) {
            return null;
        }
        Broker b = broker(node.id());
        return b.running() ? b : null;
    }

    /** The value of {@code future}; an id or group Kafka does not know is the caller's mistake, not worth waiting out. */
    private static <T> T existing(KafkaFuture<T> future, String what) throws Exception {
        try {
            return future.get(CALL_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException || e.getCause() instanceof TransactionalIdNotFoundException) {
                throw new IllegalArgumentException("Kafka does not know " + what + ": " + e.getCause().getMessage(), e.getCause());
            }
            throw e;
        }
    }

    private Broker await(String what, Callable<Broker> lookup) {
        try {
            return Awaitility.await(what).atMost(LOOKUP_LIMIT).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptionsMatching(e -> !(e instanceof IllegalArgumentException)).until(lookup, b -> b != null);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException | AssertionError e) {
            throw new IllegalStateException("Found no " + what + " within " + LOOKUP_LIMIT.toSeconds() + " s; brokers: " + brokers, e);
        }
    }

    private void requireStarted() {
        if (dir == null) {
            throw new IllegalStateException("The Kafka cluster has not been started; register KafkaCluster as a static "
                    + "@RegisterExtension or call start()");
        }
    }

    /**
     * One broker (and controller) of the cluster and the faults a test can cause it. It keeps its node
     * id, ports and data for the life of the cluster, across kills and restarts.
     */
    public final class Broker {

        private final int id;
        private final int brokerPort;
        private final int controllerPort;
        private final Path dir;
        private volatile Process process;
        /** Set by kill() and stop(), so that an exit the test caused is not taken for a crash. */
        private volatile boolean stopped;

        private Broker(int id) {
            this.id = id;
            this.brokerPort = Ports.free();
            this.controllerPort = Ports.free();
            this.dir = KafkaCluster.this.dir.resolve("broker-" + id);
        }

        /** Its node id, which is also its id in the controller quorum. */
        public int id() {
            return id;
        }

        /** Its own listener, {@code 127.0.0.1:<port>}. */
        public String address() {
            return "127.0.0.1:" + brokerPort;
        }

        /** Whether its JVM runs. */
        public boolean running() {
            Process p = process;
            return p != null && p.isAlive();
        }

        /** Kills it with SIGKILL, as a crash would; its data stays for {@link #start()}. */
        public synchronized void kill() {
            requireProcess("kill");
            stopped = true;
            LOG.info("Kafka broker {} killed with SIGKILL (exit code {})", id, Processes.kill(process));
        }

        /** Stops it with SIGTERM (a controlled shutdown, which moves its leaderships away) and waits for it to exit. */
        public synchronized void stop() {
            requireProcess("stop");
            stopped = true;
            LOG.info("Kafka broker {} stopped with SIGTERM (exit code {})", id, Processes.stop(process, Duration.ofSeconds(60)));
        }

        /**
         * Starts it again after {@link #kill()} or {@link #stop()}, with the same ports and data, and
         * waits until it is registered with the controller again and serves requests (after a kill, that
         * is once its old session has timed out). It then catches up with the partition leaders as a
         * follower.
         */
        public void start() {
            synchronized (this) {
                if (running()) {
                    return;
                }
                launch();
            }
            try {
                // Listed by the controller is not enough: after a kill the old registration stays listed until its
                // session expires. A broker serves requests only once it has registered and caught up, so ask it.
                Awaitility.await("Kafka broker " + id + " to register again").atMost(START_LIMIT).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions().failFast("Kafka broker " + id + " exited", this::crashed)
                        .until(() -> admin().describeCluster(new DescribeClusterOptions().timeoutMs(CALL_MS)).nodes()
                                .get(CALL_MS, TimeUnit.MILLISECONDS).stream().anyMatch(n -> n.id() == id) && serves());
            } catch (RuntimeException | AssertionError e) {
                throw new IllegalStateException("Kafka broker " + id + " did not register within " + START_LIMIT.toSeconds()
                        + " s. Its log:\n" + Processes.tail(log(), 60), e);
            }
            LOG.info("Kafka broker {} (pid {}) started again at {}", id, process.pid(), address());
        }

        /** Whether this broker itself answers a request that only it can answer (its log directories). */
        private boolean serves() throws Exception {
            admin().describeLogDirs(List.of(id), new DescribeLogDirsOptions().timeoutMs(CALL_MS)).allDescriptions()
                    .get(CALL_MS, TimeUnit.MILLISECONDS);
            return true;
        }

        @Override
        public String toString() {
            return "broker " + id + " at " + address() + (running() ? "" : " (not running)");
        }

        private void writeFiles(String voters) {
            dir.toFile().mkdirs();
            Properties p = KafkaFiles.nodeProperties(id, voters, brokerPort, controllerPort, dir.resolve("data"));
            // Only to spare the two shared cores: fewer request handler, network and background
            // threads than the defaults (8, 3, 10) for each of three brokers. No behaviour depends on them.
            p.setProperty("num.io.threads", "2");
            p.setProperty("num.network.threads", "2");
            p.setProperty("background.threads", "2");
            overrides.forEach(p::setProperty);
            KafkaFiles.store(p, dir.resolve("server.properties"), "KRaft node " + id + " of a cluster written by io.ferry.testkit.KafkaCluster");
            KafkaFiles.writeLogback(dir);
            KafkaFiles.writeLog4j2(dir);
        }

        private synchronized void launch() {
            process = Processes.start(KafkaJvm.command(dir, "kafka.Kafka", dir.resolve("server.properties").toString()), log(), Map.of());
            stopped = false;
        }

        /** Whether it exited without kill() or stop(). */
        private boolean crashed() {
            Process p = process;
            return p != null && !p.isAlive() && !stopped;
        }

        private Path log() {
            return KafkaCluster.this.dir.resolve("broker-" + id + ".log");
        }

        private synchronized void destroy() {
            if (process != null) {
                Processes.kill(process);
                process = null;
            }
        }

        private void requireProcess(String operation) {
            if (process == null) {
                throw new IllegalStateException("Cannot " + operation + " Kafka broker " + id + ": it has not been started");
            }
        }
    }
}
