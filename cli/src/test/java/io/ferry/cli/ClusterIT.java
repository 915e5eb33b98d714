package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.EventCodec;
import io.ferry.core.event.RecordConventions;
import io.ferry.testkit.Await;
import io.ferry.testkit.EtcdCluster;
import io.ferry.testkit.KafkaCluster;
import io.ferry.testkit.SqlDatabase;
import io.ferry.testkit.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * Ferry's packaged processes ({@code ferry watch} and {@code ferry sink}) on the production shape:
 * three etcd members and three Kafka brokers on Apache's defaults, under a steady write load. The
 * watcher reaches each member through its own proxy, so a test can cut Ferry off from a member while
 * the cluster itself is fine. Each test ends with two checks that know nothing of Ferry's code: the
 * change topic holds every change etcd's own history has, exactly once (nothing lost, nothing
 * produced twice), and {@code ferry reconcile} finds SQL equal to etcd.
 */
@Timeout(600)
class ClusterIT {

    @RegisterExtension
    static final EtcdCluster ETCD = new EtcdCluster();
    @RegisterExtension
    static final KafkaCluster KAFKA = new KafkaCluster();
    /** One database for every test: each test's pipeline reads its own topic's offsets only. */
    @RegisterExtension
    static final SqlDatabase PG = SqlDatabase.postgres();

    /** Under target/, not a temporary directory: the processes' logs are what a failure is read from. */
    private Path dir;

    private final List<TcpProxy> proxies = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private Writer writer;

    @BeforeEach
    void workDir(TestInfo test) throws Exception {
        dir = Files.createDirectories(Path.of("target", "cluster-it", test.getTestMethod().orElseThrow().getName())
                .toAbsolutePath());
    }

    @AfterEach
    void stop() throws Exception {
        if (writer != null) {
            writer.halt();
        }
        for (Process p : processes) {
            Cli.stop(p);
        }
        proxies.forEach(TcpProxy::close);
        for (EtcdCluster.Member m : ETCD.members()) {
            if (m.isolated()) {
                m.heal();
            }
            if (!m.running()) {
                m.start();
            }
        }
        for (KafkaCluster.Broker b : KAFKA.brokers()) {
            if (!b.running()) {
                b.start();
            }
        }
    }

    @Test
    void theWatcherRidesOutALeaderKillAStoppedMemberAndLostLinksWithoutAGap() throws Exception {
        String prefix = "/cluster-etcd/";
        String topic = "cluster.etcd";
        Pipeline ferry = start(prefix, topic);
        writer = ferry.load();
        assertTopicsReplicated(topic);

        EtcdCluster.Member leader = ETCD.leader();
        leader.kill();
        writer.awaitApplied(Duration.ofSeconds(120)); // changes flow on while the old leader is down
        leader.start();

        EtcdCluster.Member follower = ETCD.members().stream().filter(m -> m != ETCD.leader()).findFirst().orElseThrow();
        follower.stop();
        writer.awaitApplied(Duration.ofSeconds(120));
        follower.start();

        // Ferry's links to two members go silent (no reset, no error: packets dropped), twice with a different
        // member left; whichever the watcher used, at least once it must find the one that still answers.
        for (int left = 0; left < 2; left++) {
            for (int m = 0; m < 3; m++) {
                proxies.get(m).blackhole(m != left);
            }
            writer.awaitApplied(Duration.ofSeconds(120));
            proxies.forEach(p -> p.blackhole(false));
        }

        // A member cut off from its peers keeps its clients' watches open but silent; etcd ends them (require-leader).
        EtcdCluster.Member isolated = ETCD.leader();
        isolated.isolate();
        writer.awaitApplied(Duration.ofSeconds(120));
        isolated.heal();
        ETCD.awaitHealthy(Duration.ofSeconds(60));
        writer.awaitApplied(Duration.ofSeconds(120));

        ferry.assertComplete(writer.close());
    }

    @Test
    void theWatcherAndTheSinkRideOutTheLossOfThePartitionLeaderAndTheTransactionCoordinator() throws Exception {
        String prefix = "/cluster-kafka/";
        String topic = "cluster.kafka";
        Pipeline ferry = start(prefix, topic);
        writer = ferry.load();

        KafkaCluster.Broker partitionLeader = KAFKA.leaderOf(topic, 0);
        partitionLeader.kill();
        writer.awaitApplied(Duration.ofSeconds(180));
        partitionLeader.start();
        KAFKA.awaitHealthy(Duration.ofSeconds(120));

        KafkaCluster.Broker coordinator = KAFKA.transactionCoordinator("ferry-watcher-" + topic);
        coordinator.kill();
        writer.awaitApplied(Duration.ofSeconds(180));
        coordinator.start();
        KAFKA.awaitHealthy(Duration.ofSeconds(120));
        writer.awaitApplied(Duration.ofSeconds(120));

        ferry.assertComplete(writer.close());
    }

    @Test
    void aTopicWithOneReplicaOnAClusterIsAWarningAtStartAndInStatus() throws Exception {
        String topic = "cluster.one.replica";
        KAFKA.admin().createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 3, (short) 1)
                .configs(Map.of("cleanup.policy", "compact", "max.message.bytes", "4194304")))).all().get(60, TimeUnit.SECONDS);
        Pipeline ferry = start("/cluster-rf1/", topic);
        Awaitility.await("the watcher's warning").atMost(Duration.ofSeconds(60))
                .until(() -> Cli.log(ferry.watchDir).contains("topic " + topic + " has replication factor 1 on a cluster of 3 brokers"));
        Cli.Result status = Cli.run(dir, "status", "-c", ferry.config.toString());
        assertTrue(status.out().contains("WARNING: topic " + topic + " has replication factor 1 on a cluster of 3 brokers"),
                status.toString());

        // The preflight says it too, as a warning that passes, and finds the watcher's checkpoint within etcd's history.
        Awaitility.await("a checkpoint").atMost(Duration.ofSeconds(60))
                .until(() -> Cli.run(dir, "status", "-c", ferry.config.toString()).out().matches("(?s).*produced through revision [1-9].*"));
        Cli.Result check = Cli.run(dir, "check", "-c", ferry.config.toString(), "--connect", "--for", "watch");
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("ok    Kafka " + KAFKA.bootstrapServers() + ": 3 brokers"), check.out());
        assertTrue(check.out().contains("WARN  Kafka topic " + topic + ": topic " + topic + " has replication factor 1 on a "
                + "cluster of 3 brokers"), check.out());
        assertTrue(check.out().matches("(?s).*ok    etcd history: etcd keeps .*; the watcher resumes at revision \\d+, \\d+ "
                + "revisions of headroom.*"), check.out());
    }

    /** Both of Ferry's topics have 3 replicas and min.insync.replicas 2 on a cluster of 3 brokers. */
    private static void assertTopicsReplicated(String topic) throws Exception {
        for (String t : List.of(topic, topic + ".checkpoint")) {
            TopicDescription d = KAFKA.admin().describeTopics(List.of(t)).allTopicNames().get(60, TimeUnit.SECONDS).get(t);
            d.partitions().forEach(p -> assertEquals(3, p.replicas().size(), t + " partition " + p.partition()));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, t);
            Config c = KAFKA.admin().describeConfigs(List.of(resource)).all().get(60, TimeUnit.SECONDS).get(resource);
            assertEquals("2", c.get("min.insync.replicas").value(), t);
            assertEquals("compact", c.get("cleanup.policy").value(), t);
        }
    }

    private Pipeline start(String prefix, String topic) throws Exception {
        StringBuilder endpoints = new StringBuilder();
        for (EtcdCluster.Member m : ETCD.members()) {
            TcpProxy p = TcpProxy.to("etcd-" + m.name(), m.endpoint());
            proxies.add(p);
            endpoints.append(endpoints.length() == 0 ? "" : ",").append(p.through(m.endpoint()));
        }
        Path config = Files.writeString(dir.resolve(topic + ".yaml"), String.join("\n",
                "etcd.endpoints: " + endpoints,
                "etcd.prefix: " + prefix,
                "kafka.bootstrap: " + KAFKA.bootstrapServers(),
                "kafka.topic: " + topic,
                "kafka.topic.partitions: 3",
                "sink.jdbc: " + PG.jdbcUrl(),
                "sink.user: " + PG.user(),
                "sink.password: \"" + (PG.password() == null ? "" : PG.password()) + "\"",
                "http.enabled: false",
                ""));
        Path watchDir = Files.createDirectories(dir.resolve(topic + "-watch"));
        Path sinkDir = Files.createDirectories(dir.resolve(topic + "-sink"));
        processes.add(Cli.start(watchDir, "watch", "-c", config.toString()));
        processes.add(Cli.start(sinkDir, "sink", "-c", config.toString()));
        return new Pipeline(config, topic, prefix, watchDir, sinkDir);
    }

    /** The running pipeline of one test: its configuration and where its processes log. */
    private final class Pipeline {
        final Path config;
        final String topic;
        final String prefix;
        final Path watchDir;
        final Path sinkDir;
        long fromRevision;

        Pipeline(Path config, String topic, String prefix, Path watchDir, Path sinkDir) {
            this.config = config;
            this.topic = topic;
            this.prefix = prefix;
            this.watchDir = watchDir;
            this.sinkDir = sinkDir;
        }

        /**
         * Waits until replication works (so the watcher's snapshot is done), then starts the load: every
         * change from here on is a change of the watch, which the topic must hold one by one.
         */
        Writer load() throws Exception {
            new Writer(prefix, false).awaitApplied(Duration.ofSeconds(180));
            fromRevision = ETCD.client().getKVClient().get(bytes(prefix)).get(30, TimeUnit.SECONDS).getHeader().getRevision();
            return new Writer(prefix, true);
        }

        /**
         * Every change etcd's own history holds under the prefix since the test began is in the change topic
         * exactly once, and SQL equals etcd at the last revision.
         */
        void assertComplete(long lastRevision) throws Exception {
            Set<String> expected = etcdHistory(prefix, fromRevision + 1, lastRevision);
            try {
                Awaitility.await("every change of etcd's history in " + topic).atMost(Duration.ofSeconds(180))
                        .pollInterval(Duration.ofSeconds(2))
                        .until(() -> topicChanges(topic, fromRevision, lastRevision).keySet().containsAll(expected));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(topicChanges(topic, fromRevision, lastRevision).keySet());
                throw new AssertionError(missing.size() + " of etcd's " + expected.size() + " changes since revision "
                        + fromRevision + " are not in " + topic + ", e.g. " + missing.stream().limit(30).toList()
                        + "\nlogs in " + dir, e);
            }
            Map<String, Integer> produced = topicChanges(topic, fromRevision, lastRevision);
            List<String> twice = produced.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            assertEquals(List.of(), twice, "changes produced more than once");
            Set<String> invented = new TreeSet<>(produced.keySet());
            invented.removeAll(expected);
            assertEquals(Set.of(), invented, "changes in the topic that etcd's history does not have");
            Await.until("ferry reconcile clean", Duration.ofSeconds(180), Duration.ofSeconds(2),
                    () -> Cli.run(dir, "reconcile", "-c", config.toString()), r -> r.exit() == 0, () -> "\nlogs in " + dir);
            for (Process p : processes) {
                assertTrue(p.isAlive(), "a ferry process died:\n" + Cli.log(watchDir) + "\n" + Cli.log(sinkDir));
            }
        }
    }

    /** "key@revision" of every put and delete under {@code prefix} in etcd's history from {@code from} through {@code to}. */
    private static Set<String> etcdHistory(String prefix, long from, long to) throws Exception {
        Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicLong reached = new AtomicLong(from - 1);
        WatchOption option = WatchOption.builder().withRevision(from).isPrefix(true).build();
        try (Watch.Watcher ignored = ETCD.client().getWatchClient().watch(bytes(prefix), option, response -> {
            for (WatchEvent e : response.getEvents()) {
                seen.add(e.getKeyValue().getKey().toString(StandardCharsets.UTF_8) + "@" + e.getKeyValue().getModRevision());
                reached.accumulateAndGet(e.getKeyValue().getModRevision(), Math::max);
            }
        })) {
            Awaitility.await("etcd's history through " + to).atMost(Duration.ofSeconds(60)).until(() -> reached.get() >= to);
        }
        return seen;
    }

    /** "key@revision" of every committed change record of {@code topic} in ({@code from}, {@code to}], with how often each occurs. */
    private static Map<String, Integer> topicChanges(String topic, long from, long to) {
        Map<String, Integer> out = new HashMap<>();
        EventCodec codec = new EventCodec();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", KAFKA.bootstrapServers(),
                "isolation.level", "read_committed", "allow.auto.create.topics", "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (parts.stream().anyMatch(p -> c.position(p, Duration.ofSeconds(30)) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Header kind = r.headers().lastHeader(RecordConventions.KIND_HEADER);
                    if (r.value() == null || kind == null
                            || !RecordConventions.KIND_CHANGE.equals(new String(kind.value(), StandardCharsets.UTF_8))) {
                        continue;
                    }
                    ChangeEvent e = codec.decodeChange(r.value());
                    if (e.revision() > from && e.revision() <= to) {
                        out.merge(new String(e.key(), StandardCharsets.UTF_8) + "@" + e.revision(), 1, Integer::sum);
                    }
                }
            }
        }
        return out;
    }

    /**
     * A steady load of single puts and deletes over 200 keys, about 50 writes a second, through a client
     * of its own on every member. A write that fails (its member was killed under it) is retried with a new
     * value; whatever etcd acknowledged is in etcd's history, which the checks read back.
     */
    private final class Writer {
        private final String prefix;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong lastRevision = new AtomicLong();
        private final AtomicLong seq = new AtomicLong();
        private final Thread thread;

        Writer(String prefix, boolean writing) {
            this.prefix = prefix;
            this.thread = new Thread(this::run, "cluster-writer");
            thread.setDaemon(true);
            if (writing) {
                thread.start();
            }
        }

        private void run() {
            KV kv = ETCD.client().getKVClient();
            while (!stop.get()) {
                long n = seq.incrementAndGet();
                String key = prefix + "k-" + (n % 200);
                try {
                    long rev = n % 10 == 0
                            ? kv.delete(bytes(key)).get(10, TimeUnit.SECONDS).getHeader().getRevision()
                            : kv.put(bytes(key), bytes("v" + n)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
                    lastRevision.accumulateAndGet(rev, Math::max);
                    Thread.sleep(20); // not a wait: paces the workload at tens of writes a second
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // The member under this request died or lost its leader: the outcome is in etcd's history either way.
                }
            }
        }

        /** Waits until a put made from now on is in SQL: replication works at this moment. */
        void awaitApplied(Duration limit) throws Exception {
            String key = prefix + "probe";
            String value = "p" + System.nanoTime();
            long deadline = System.nanoTime() + limit.toNanos();
            // The put is retried while the cluster has no leader: a failure is in the cause of the timeout.
            Awaitility.await("etcd to accept " + key + " = " + value).atMost(limit).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                        ETCD.client().getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS);
                        return true;
                    });
            Awaitility.await(key + " = " + value + " in SQL").atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                    .pollInterval(Duration.ofMillis(200)).until(() -> value.equals(Cli.value(PG, key)));
        }

        void halt() throws InterruptedException {
            stop.set(true);
            thread.join(30_000);
        }

        /** Stops writing; returns etcd's revision after the last write. */
        long close() throws Exception {
            halt();
            return ETCD.client().getKVClient().put(bytes(prefix + "last"), bytes("done")).get(30, TimeUnit.SECONDS)
                    .getHeader().getRevision();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
