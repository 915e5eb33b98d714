package io.ferry.cli.faults;

import io.ferry.testkit.KafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * {@link FaultKind#BROKER_KILL}: kill -9 of one of the brokers, chosen by the role it plays for
 * Ferry at that moment: the leader of a change-topic partition (the watcher's transactions write
 * there, the sinks read there), the coordinator of the watcher's transactions, the coordinator of a
 * sink group, or any broker. It is started again after 0 to 1 s and registers once the controller has
 * let its old session expire (9 s on Apache's defaults); meanwhile its partitions and coordinators
 * move to the other two. The fault ends when every replica is in sync again, so that no two brokers
 * are ever out at once: three replicas with {@code min.insync.replicas} 2 promise to survive one.
 */
final class BrokerKills {

    private static final Duration HEALTHY_LIMIT = Duration.ofMinutes(2);

    /** The role a broker is chosen for. */
    enum Role { PARTITION_LEADER, TRANSACTION_COORDINATOR, GROUP_COORDINATOR, ANY }

    private final KafkaCluster kafka;

    BrokerKills(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    /** The watcher's transactional id, as the watcher derives it from its topic. */
    static String transactionalId() {
        return "ferry-watcher-" + Deployment.TOPIC;
    }

    String kill(Random rnd, Deployment deployment) {
        Role role = Role.values()[rnd.nextInt(Role.values().length)];
        int partition = rnd.nextInt(Deployment.PARTITIONS);
        Target target = deployment.targets().get(rnd.nextInt(deployment.targets().size()));
        int any = rnd.nextInt(kafka.brokers().size());
        long down = rnd.nextInt(1000);

        // An earlier fault that failed halfway may have left a broker down: never take a second one out.
        List<KafkaCluster.Broker> stopped = kafka.brokers().stream().filter(b -> !b.running()).toList();
        stopped.forEach(KafkaCluster.Broker::start);
        if (!stopped.isEmpty()) {
            awaitInSync();
        }
        Map<String, KafkaCluster.Broker> roles = roles(deployment);
        String chosenAs = switch (role) {
            case PARTITION_LEADER -> "leader of " + Deployment.TOPIC + "-" + partition;
            case TRANSACTION_COORDINATOR -> "coordinator of " + transactionalId();
            case GROUP_COORDINATOR -> "coordinator of group " + target.group();
            case ANY -> "any";
        };
        KafkaCluster.Broker broker = role == Role.ANY ? kafka.brokers().get(any) : roles.get(chosenAs);
        List<String> played = new ArrayList<>();
        roles.forEach((r, b) -> {
            if (b == broker) {
                played.add(r);
            }
        });
        long t0 = System.nanoTime();
        broker.kill();
        Workload.sleep(down);
        broker.start();
        long serving = (System.nanoTime() - t0) / 1_000_000;
        kafka.awaitHealthy(HEALTHY_LIMIT);
        awaitInSync();
        long inSync = (System.nanoTime() - t0) / 1_000_000;
        return (stopped.isEmpty() ? "" : "(first restarted " + stopped + ") ") + "broker " + broker.id() + " killed, chosen as "
                + chosenAs + " (it was " + (played.isEmpty() ? "none of Ferry's" : String.join(", ", played)) + "), down " + down
                + " ms, serving again after " + serving + " ms, in sync after " + inSync + " ms";
    }

    /**
     * Waits until every replica of every partition, internal ones included, is in sync again: a fault
     * ends when the cluster could lose any one broker again, which is what three replicas promise.
     */
    private void awaitInSync() {
        AtomicReference<String> behind = new AtomicReference<>("");
        try {
            Awaitility.await("replicas in sync").atMost(HEALTHY_LIMIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        try {
                            behind.set(behind());
                        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                            behind.set(e.toString());
                        }
                        return behind.get().isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("replicas still out of sync " + HEALTHY_LIMIT.toSeconds()
                    + " s after a broker's restart: " + behind.get(), e);
        }
    }

    /** The first partition whose in-sync replicas are fewer than its replicas, or "" when there is none. */
    private String behind() throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException,
            InterruptedException {
        Set<String> topics = kafka.admin().listTopics(new ListTopicsOptions().listInternal(true)).names().get(5, TimeUnit.SECONDS);
        for (TopicDescription d : kafka.admin().describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.isr().size() < p.replicas().size()) {
                    return d.name() + "-" + p.partition() + " in sync " + p.isr() + " of " + p.replicas();
                }
            }
        }
        return "";
    }

    /** Who leads each change partition and coordinates the watcher's transactions and each sink group, right now. */
    private Map<String, KafkaCluster.Broker> roles(Deployment deployment) {
        Map<String, KafkaCluster.Broker> roles = new LinkedHashMap<>();
        for (int p = 0; p < Deployment.PARTITIONS; p++) {
            roles.put("leader of " + Deployment.TOPIC + "-" + p, kafka.leaderOf(Deployment.TOPIC, p));
        }
        roles.put("coordinator of " + transactionalId(), kafka.transactionCoordinator(transactionalId()));
        for (Target t : deployment.targets()) {
            roles.put("coordinator of group " + t.group(), kafka.groupCoordinator(t.group()));
        }
        return roles;
    }
}
