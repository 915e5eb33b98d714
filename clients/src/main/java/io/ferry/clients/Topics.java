package io.ferry.clients;

import io.ferry.core.FerryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contract of Ferry's topics, kept through an admin client: a topic that is absent is created
 * with what its {@link TopicSpec} needs; one that exists (made by an earlier run, by an operator on
 * a managed Kafka where Ferry may not create topics, or by a broker's auto-creation) is checked
 * against it. What cannot work is refused with the command that fixes it; what works but puts the
 * guarantees at risk is a warning. Nothing here changes a topic except raising a too small
 * {@code max.message.bytes} where the principal may.
 */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    private final Admin admin;
    private final String bootstrap;
    private final Duration timeout;
    private final String timeoutKey;

    /**
     * @param timeoutKey the configuration key that sets {@code timeout}, named in errors
     */
    public Topics(Admin admin, String bootstrap, Duration timeout, String timeoutKey) {
        this.admin = admin;
        this.bootstrap = bootstrap;
        this.timeout = timeout;
        this.timeoutKey = timeoutKey;
    }

    /**
     * Creates the topic when it is absent, raises its record limit when that is too small and allowed,
     * and checks the rest.
     *
     * @return what the topic is, with its warnings (also logged)
     * @throws FerryException naming each setting that does not fit and the command that fixes it
     */
    public TopicCheck ensure(TopicSpec spec) {
        int brokers = brokers();
        boolean created = false;
        if (describe(spec.name()).isEmpty()) {
            created = create(spec, brokers);
        }
        TopicCheck check = check(spec, brokers, created, true);
        check.warnings().forEach(w -> LOG.warn("{}", w));
        return check;
    }

    /**
     * What the topic is, without changing anything; empty when it does not exist. Settings that
     * {@link #ensure} would refuse are among the warnings.
     */
    public Optional<TopicCheck> inspect(TopicSpec spec) {
        int brokers = brokers();
        if (describe(spec.name()).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(check(spec, brokers, false, false));
    }

    /** Whether the topic exists. */
    public boolean exists(String topic) {
        return describe(topic).isPresent();
    }

    private TopicCheck check(TopicSpec spec, int brokers, boolean created, boolean enforce) {
        TopicDescription description = awaitKnown(() -> admin.describeTopics(List.of(spec.name())).allTopicNames(),
                "describe topic " + spec.name()).get(spec.name());
        Map<String, String> config = configs(spec.name());
        int partitions = description.partitions().size();
        int replicas = description.partitions().get(0).replicas().size();
        String policy = config.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, "?");
        int maxBytes = Integer.parseInt(config.getOrDefault(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "0"));
        int minIsr = Integer.parseInt(config.getOrDefault(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1"));
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (spec.compacted() && !List.of(policy.split(",")).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            problems.add("topic " + spec.name() + " has cleanup.policy=" + policy + ": Kafka deletes its records as they "
                    + "age, so a replay from the beginning can no longer rebuild a database, and a restart can lose "
                    + "its checkpoint. Make it compacted: " + alterCommand(spec.name(), TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        if (spec.requiredMessageBytes() > 0 && maxBytes < spec.requiredMessageBytes()) {
            // Altered only on a topic Ferry will use: a run that refuses the topic changes nothing.
            if (enforce && problems.isEmpty() && raiseMessageBytes(spec)) {
                maxBytes = spec.wantedMessageBytes();
            } else {
                problems.add("topic " + spec.name() + " has max.message.bytes=" + maxBytes + ", but a 1.5 MiB etcd value "
                        + "with its envelope needs " + spec.requiredMessageBytes() + ". Raise it: " + alterCommand(
                        spec.name(), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(spec.wantedMessageBytes())));
            }
        }
        if (replicas == 1 && brokers > 1) {
            warnings.add("topic " + spec.name() + " has replication factor 1 on a cluster of " + brokers + " brokers: one "
                    + "broker's disk holds Ferry's change log, and losing it loses what is not yet in SQL. Give it "
                    + "more replicas with kafka-reassign-partitions.sh (docs/kafka-topics.md).");
        }
        if (replicas >= 3 && minIsr < 2) {
            warnings.add("topic " + spec.name() + " has " + replicas + " replicas but min.insync.replicas=" + minIsr
                    + ": a write acknowledged by one broker is lost if that broker dies. Set it: "
                    + alterCommand(spec.name(), TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
        }
        if (enforce && !problems.isEmpty()) {
            throw new FerryException(String.join("\n", problems) + (problems.size() > 1 ? "\n" : " ")
                    + "(docs/kafka-topics.md lists what Ferry needs of its topics.)");
        }
        problems.addAll(warnings);
        return new TopicCheck(spec.name(), partitions, replicas, minIsr, policy, maxBytes, brokers, created,
                List.copyOf(enforce ? warnings : problems));
    }

    private boolean create(TopicSpec spec, int brokers) {
        int replicas = spec.replicationFactorFor(brokers);
        Optional<Integer> minIsr = spec.minInsyncReplicasFor(replicas);
        if (minIsr.isPresent() && minIsr.get() > replicas) {
            throw new FerryException("kafka.topic.min.insync.replicas=" + minIsr.get() + " is more than the replication "
                    + "factor " + replicas + " of topic " + spec.name() + ": no write could ever be acknowledged. Lower it, "
                    + "or raise kafka.topic.replication.factor.");
        }
        Map<String, String> configs = new LinkedHashMap<>();
        if (spec.compacted()) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        if (spec.wantedMessageBytes() > 0) {
            configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(spec.wantedMessageBytes()));
        }
        minIsr.ifPresent(m -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(m)));
        configs.putAll(spec.extraConfigs());
        NewTopic topic = new NewTopic(spec.name(), spec.partitions(), (short) replicas).configs(configs);
        try {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created Kafka topic {} with {} partitions, replication factor {} and {}", spec.name(),
                    spec.partitions(), replicas, configs);
            return true;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TopicExistsException) {
                return false; // made meanwhile by another process; checked like any existing topic
            }
            if (cause instanceof InvalidReplicationFactorException) {
                throw new FerryException("cannot create topic " + spec.name() + " with replication factor " + replicas
                        + " on a cluster of " + brokers + " brokers at " + bootstrap + ": " + cause.getMessage()
                        + ". Set kafka.topic.replication.factor to at most the number of brokers.", cause);
            }
            if (cause instanceof AuthorizationException) {
                throw new FerryException("the Kafka principal may not create topic " + spec.name() + " at " + bootstrap
                        + " (" + cause.getMessage() + "). Create it by hand: " + createCommand(spec, replicas, configs)
                        + " (docs/kafka-topics.md), or grant the principal CREATE on it.", cause);
            }
            throw failure("create topic " + spec.name(), cause);
        } catch (TimeoutException e) {
            throw failure("create topic " + spec.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("create topic " + spec.name(), e);
        }
    }

    /** Raises {@code max.message.bytes} where the principal may alter the topic; false where it may not. */
    private boolean raiseMessageBytes(TopicSpec spec) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
        AlterConfigOp op = new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(spec.wantedMessageBytes())), AlterConfigOp.OpType.SET);
        try {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Raised max.message.bytes of topic {} to {}, so that every etcd value fits", spec.name(),
                    spec.wantedMessageBytes());
            return true;
        } catch (ExecutionException e) {
            LOG.debug("Could not raise max.message.bytes of {}: {}", spec.name(), e.getCause().toString());
            return false;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("alter topic " + spec.name(), e);
        }
    }

    private Optional<TopicDescription> describe(String topic) {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            if (e.getCause() instanceof AuthorizationException) {
                throw new FerryException("the Kafka principal may not describe topic " + topic + " at " + bootstrap + " ("
                        + e.getCause().getMessage() + "). Grant it DESCRIBE on the topic (docs/kafka-topics.md).", e.getCause());
            }
            throw failure("describe topic " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw failure("describe topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("describe topic " + topic, e);
        }
    }

    private Map<String, String> configs(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config;
        try {
            config = awaitKnown(() -> admin.describeConfigs(List.of(resource)).all(), "describe the settings of topic "
                    + topic).get(resource);
        } catch (FerryException e) {
            if (e.getCause() instanceof AuthorizationException) {
                throw new FerryException("the Kafka principal may not read the settings of topic " + topic + " at "
                        + bootstrap + ", so Ferry cannot check that they fit. Grant it DESCRIBE_CONFIGS on the topic "
                        + "(docs/kafka-topics.md).", e.getCause());
            }
            throw e;
        }
        Map<String, String> out = new LinkedHashMap<>();
        Collection<ConfigEntry> entries = config.entries();
        entries.forEach(entry -> out.put(entry.name(), entry.value()));
        return out;
    }

    private int brokers() {
        return await(admin.describeCluster().nodes(), "describe the cluster").size();
    }

    /**
     * Like {@link #await}, but a topic created a moment ago may not be known yet to the broker that
     * answers (KRaft propagates metadata asynchronously): "unknown topic" is retried until the timeout.
     */
    private <T> T awaitKnown(Supplier<KafkaFuture<T>> call, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return call.get().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw failure(what, e.getCause());
                }
            } catch (TimeoutException e) {
                throw failure(what, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(what, e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(what, e);
            }
        }
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        } catch (TimeoutException e) {
            throw failure(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(what, e);
        }
    }

    private FerryException failure(String what, Throwable cause) {
        return new FerryException("cannot " + what + " on Kafka at " + bootstrap + " within " + timeout.toMillis() + " ms ("
                + timeoutKey + "): " + cause + ". Check kafka.bootstrap, that the brokers run, and the SASL/SSL settings.",
                cause);
    }

    private String alterCommand(String topic, String key, String value) {
        return "kafka-configs.sh --bootstrap-server " + bootstrap + " --alter --entity-type topics --entity-name " + topic
                + " --add-config " + key + "=" + value;
    }

    private String createCommand(TopicSpec spec, int replicas, Map<String, String> configs) {
        StringBuilder b = new StringBuilder("kafka-topics.sh --bootstrap-server " + bootstrap + " --create --topic "
                + spec.name() + " --partitions " + spec.partitions() + " --replication-factor " + replicas);
        configs.forEach((k, v) -> b.append(" --config ").append(k).append('=').append(v));
        return b.toString();
    }
}
