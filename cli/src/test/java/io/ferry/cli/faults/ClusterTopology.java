package io.ferry.cli.faults;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.CompactOption;
import io.ferry.core.event.Checkpoint;
import io.ferry.testkit.EtcdCluster;
import io.ferry.testkit.KafkaCluster;
import io.ferry.testkit.TcpProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * A three-member etcd cluster and three Kafka brokers on Apache's defaults, as production runs them:
 * {@link FaultKind#ETCD_LEADER_KILL}, {@link FaultKind#ETCD_MEMBER_PARTITION} ({@link EtcdClusterFaults})
 * and {@link FaultKind#BROKER_KILL} ({@link BrokerKills}). Ferry's {@code etcd.endpoints} are the
 * three members' proxies. The workload writes through one member, chosen by the seed; see
 * {@link EtcdClusterFaults} for how its writes keep a known outcome.
 */
final class ClusterTopology implements Topology {

    private static final Duration HEALTHY_LIMIT = Duration.ofMinutes(2);

    private final EtcdCluster etcd;
    private final KafkaCluster kafka;
    private final List<TcpProxy> etcdProxies = new ArrayList<>();
    private final EtcdCluster.Member writer;
    private final EtcdClusterFaults etcdFaults;
    private final BrokerKills brokerKills;

    ClusterTopology(EtcdCluster etcd, KafkaCluster kafka, long seed) throws IOException {
        this.etcd = etcd;
        this.kafka = kafka;
        for (EtcdCluster.Member m : etcd.members()) {
            etcdProxies.add(TcpProxy.to(m.name(), m.endpoint()));
        }
        this.writer = etcd.member((int) Math.floorMod(seed, (long) etcd.members().size()));
        this.etcdFaults = new EtcdClusterFaults(etcd, etcdProxies, writer);
        this.brokerKills = new BrokerKills(kafka);
    }

    @Override
    public Set<FaultKind> serverKinds() {
        return EnumSet.of(FaultKind.ETCD_LEADER_KILL, FaultKind.ETCD_MEMBER_PARTITION, FaultKind.BROKER_KILL);
    }

    @Override
    public List<TcpProxy> etcdProxies() {
        return etcdProxies;
    }

    @Override
    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    @Override
    public Client workloadClient() {
        return writer.client();
    }

    @Override
    public Client client() {
        return etcd.client();
    }

    /** Through the workload's member, which has a leader and a quorum whenever the workload is not held. */
    @Override
    public long compact(long revision) {
        try {
            return writer.client().getKVClient().compact(revision, CompactOption.builder().withCompactPhysical(true).build())
                    .get(30, TimeUnit.SECONDS).getHeader().getRevision();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Could not compact etcd through " + writer + " to revision " + revision, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String inject(FaultKind kind, Random rnd, Workload workload, Deployment deployment) {
        return switch (kind) {
            case ETCD_LEADER_KILL -> etcdFaults.killLeader(rnd, workload);
            case ETCD_MEMBER_PARTITION -> etcdFaults.partition(rnd, workload);
            case BROKER_KILL -> brokerKills.kill(rnd, deployment);
            default -> throw new IllegalArgumentException(kind + " acts on a single server; the clusters take " + serverKinds());
        };
    }

    @Override
    public void restore() {
        etcdProxies.forEach(p -> p.blackhole(false));
        for (EtcdCluster.Member m : etcd.members()) {
            if (m.isolated()) {
                m.heal();
            }
            if (!m.running()) {
                m.start();
            }
        }
        etcd.awaitHealthy(HEALTHY_LIMIT);
        kafka.brokers().stream().filter(b -> !b.running()).forEach(KafkaCluster.Broker::start);
        kafka.awaitHealthy(HEALTHY_LIMIT);
    }

    /**
     * The topic contract on a cluster: the watcher created both of Ferry's topics with three replicas
     * and {@code min.insync.replicas} 2, so that a broker's loss loses no acknowledged change.
     */
    @Override
    public void check(FaultReport report, Verdict verdict) {
        Map<String, Object> servers = new LinkedHashMap<>();
        servers.put("etcd", etcd.members().size() + " members, Ferry through one proxy each; the workload writes through "
                + writer.name());
        servers.put("kafka", kafka.brokers().size() + " KRaft brokers (combined with controllers), Apache's defaults");
        report.put("servers", servers);
        Map<String, Object> topics = new LinkedHashMap<>();
        for (String name : List.of(Deployment.TOPIC, Checkpoint.topicFor(Deployment.TOPIC))) {
            try {
                TopicDescription d = kafka.admin().describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
                Config config = kafka.admin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
                int replicas = d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
                String minIsr = value(config, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("partitions", d.partitions().size());
                t.put("replication_factor", replicas);
                t.put("min_insync_replicas", minIsr);
                t.put("cleanup_policy", value(config, TopicConfig.CLEANUP_POLICY_CONFIG));
                topics.put(name, t);
                if (replicas == 3 && "2".equals(minIsr)) {
                    verdict.checked("topics with replication factor 3 and min.insync.replicas 2", 1);
                } else {
                    verdict.violation("topic contract: not 3 replicas with min.insync.replicas 2", name + " has " + replicas
                            + " replicas (fewest of any partition) and min.insync.replicas=" + minIsr);
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                verdict.violation("topic contract: could not be read", name + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing " + name, e);
            }
        }
        report.put("topics", topics);
    }

    private static String value(Config config, String name) {
        ConfigEntry e = config.get(name);
        return e == null ? null : e.value();
    }

    @Override
    public void close() {
        etcdProxies.forEach(TcpProxy::close);
    }
}
