package io.ferry.clients;

import io.ferry.core.FerryException;
import io.ferry.core.config.KafkaConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one place where Kafka client settings are built from the configuration: the
 * {@code kafka.*} pass-through settings (security, timeouts, tuning) first, then the settings that
 * Ferry's guarantees depend on, which a pass-through may not change. Every producer, consumer and
 * admin client of Ferry starts from here, so that no path can drop a security setting or create a
 * topic by accident.
 *
 * <p>Components add what is theirs (the watcher its transactional id and batching, the sink its
 * group) on top of the maps returned here.
 */
public final class KafkaSettings {

    /**
     * Settings Ferry owns: exactly-once, the byte layout of records, which topics exist and who belongs
     * to which group. A pass-through that changed them would break a guarantee, so it is refused.
     */
    static final Set<String> MANAGED = Set.of(
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.ACKS_CONFIG,
            ProducerConfig.PARTITIONER_CLASS_CONFIG, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG,
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);

    private final KafkaConfig config;

    private KafkaSettings(KafkaConfig config) {
        this.config = config;
    }

    /**
     * Checks the pass-through settings and returns the builder.
     *
     * @throws FerryException when {@code kafka.bootstrap} is still {@code embedded} (only {@code ferry run}
     *     resolves it), or when a pass-through key is one Ferry owns or no Kafka client knows
     */
    public static KafkaSettings of(KafkaConfig config) {
        if (config.embedded()) {
            throw new FerryException("kafka.bootstrap is 'embedded', which only 'ferry run' provides. Set kafka.bootstrap "
                    + "to the brokers' host:port list, or start 'ferry run' on this machine first.");
        }
        List<String> problems = new ArrayList<>();
        Set<String> known = new TreeSet<>(ProducerConfig.configNames());
        known.addAll(ConsumerConfig.configNames());
        known.addAll(AdminClientConfig.configNames());
        for (String name : new TreeSet<>(config.clientProperties().keySet())) {
            if (MANAGED.contains(name)) {
                problems.add("kafka." + name + " is set by Ferry itself and cannot be overridden");
            } else if (!known.contains(name)) {
                problems.add("kafka." + name + " is not a Kafka producer, consumer or admin client setting");
            }
        }
        if (!problems.isEmpty()) {
            throw new FerryException("invalid Kafka client settings: " + String.join("; ", problems)
                    + ". Remove them, or fix their names (see the Kafka client configuration reference).");
        }
        return new KafkaSettings(config);
    }

    /** The brokers, as configured: for error messages that name where Ferry looked. */
    public String bootstrap() {
        return config.bootstrap();
    }

    /** An admin client's settings. */
    public Map<String, Object> admin() {
        Map<String, Object> p = passthrough(AdminClientConfig.configNames());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        return p;
    }

    /**
     * A producer of byte-array records with every write acknowledged by all in-sync replicas and
     * idempotent retries. A producer's metadata requests may create topics on a broker with
     * auto-creation on, so a caller produces only to topics it has checked exist ({@link Topics}).
     */
    public Map<String, Object> producer() {
        Map<String, Object> p = passthrough(ProducerConfig.configNames());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * A consumer of byte-array records without a group: it reads committed transactions only, commits
     * nothing, and never creates a topic it asks about.
     */
    public Map<String, Object> consumer() {
        Map<String, Object> p = passthrough(ConsumerConfig.configNames());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        // Only committed watcher transactions: an aborted one must never be read.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // On a broker with auto.create.topics.enable=true (Apache's default) a consumer that asks for a topic
        // before the watcher has made it would create it with the broker's defaults: not compacted, 1 MiB records.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /**
     * A {@link #consumer()} that is a static member of {@code group}: Kafka's classic group protocol
     * with {@code group.instance.id}, so that a member restarted after a crash gets its partitions back
     * at once, instead of after the dead member's session has timed out (45 s by default). With the
     * newer consumer protocol a crashed static member's id stays taken until that timeout.
     */
    public Map<String, Object> groupConsumer(String group, String instanceId) {
        Map<String, Object> p = consumer();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        return p;
    }

    private Map<String, Object> passthrough(Set<String> names) {
        Map<String, Object> p = new HashMap<>();
        config.clientProperties().forEach((k, v) -> {
            if (names.contains(k)) {
                p.put(k, v);
            }
        });
        return p;
    }
}
