package io.ferry.core.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach Kafka and which topic carries the change events.
 *
 * @param bootstrap {@code host:port,...}, or {@link #EMBEDDED} for an in-process broker
 * @param topic the change topic
 * @param partitions partitions of the change topic when Ferry creates it
 * @param replicationFactor replicas of each partition of Ferry's topics when Ferry creates them; empty means
 *     3, or the number of brokers when there are fewer
 * @param minInsyncReplicas {@code min.insync.replicas} of Ferry's topics when Ferry creates them; empty means
 *     2 when the replication factor is 3 or more, otherwise the broker's default
 * @param embeddedDir log directory of the embedded broker
 * @param clientProperties every other {@code kafka.*} key, passed to the Kafka clients as is
 */
public record KafkaConfig(String bootstrap, String topic, int partitions, Optional<Integer> replicationFactor,
                          Optional<Integer> minInsyncReplicas, String embeddedDir, Map<String, String> clientProperties) {

    /** The {@code kafka.bootstrap} value that asks {@code ferry run} for an in-process broker. */
    public static final String EMBEDDED = "embedded";

    public static final ConfigKey<String> BOOTSTRAP = ConfigKey.builder("kafka.bootstrap", ConfigType.STRING)
            .defaultValue(EMBEDDED)
            .doc("Kafka bootstrap servers (host:port,...). 'embedded' runs an in-process broker, for ferry run only.")
            .validator(Validator.nonBlank())
            .build();
    public static final ConfigKey<String> TOPIC = ConfigKey.builder("kafka.topic", ConfigType.STRING)
            .defaultValue("ferry.etcd.changes")
            .doc("Topic that carries the change events. Created with compaction when absent.")
            .validator(Validator.that(t -> t.matches("[A-Za-z0-9._-]{1,249}"),
                    "must be a Kafka topic name: 1 to 249 of letters, digits, '.', '_' and '-'"))
            .build();
    public static final ConfigKey<Integer> PARTITIONS = ConfigKey.builder("kafka.topic.partitions", ConfigType.INT)
            .defaultValue(6)
            .doc("Partitions of the change topic when Ferry creates it; the most sinks that can share the work.")
            .validator(Validator.atLeast(1))
            .build();

    public static final ConfigKey<Integer> REPLICATION_FACTOR =
            ConfigKey.builder("kafka.topic.replication.factor", ConfigType.INT)
                    .doc("Replicas of every partition of the change and checkpoint topics when Ferry creates them. Unset "
                            + "means 3, or the number of brokers when there are fewer. An existing topic with 1 replica on "
                            + "a cluster of several brokers is a warning at start-up and in ferry status.")
                    .validator(Validator.atLeast(1))
                    .build();
    public static final ConfigKey<Integer> MIN_INSYNC_REPLICAS =
            ConfigKey.builder("kafka.topic.min.insync.replicas", ConfigType.INT)
                    .doc("min.insync.replicas of the change and checkpoint topics when Ferry creates them: how many "
                            + "replicas must hold a record before the watcher's write counts. Unset means 2 when the "
                            + "replication factor is 3 or more, otherwise the broker's default. At most the replication "
                            + "factor.")
                    .validator(Validator.atLeast(1))
                    .build();

    public static final ConfigKey<String> EMBEDDED_DIR = ConfigKey.builder("kafka.embedded.dir", ConfigType.STRING)
            .defaultValue(".ferry/kafka")
            .doc("Where the embedded broker (kafka.bootstrap: embedded) keeps its log. Keep it between runs: it is the "
                    + "replayable change log.")
            .validator(Validator.nonBlank())
            .build();

    public static final List<ConfigKey<?>> KEYS = List.of(BOOTSTRAP, TOPIC, PARTITIONS, REPLICATION_FACTOR, MIN_INSYNC_REPLICAS,
            EMBEDDED_DIR);

    public boolean embedded() {
        return EMBEDDED.equalsIgnoreCase(bootstrap);
    }

    static KafkaConfig from(ConfigValues v) {
        return new KafkaConfig(v.get(BOOTSTRAP), v.get(TOPIC), v.get(PARTITIONS), Optional.ofNullable(v.get(REPLICATION_FACTOR)),
                Optional.ofNullable(v.get(MIN_INSYNC_REPLICAS)), v.get(EMBEDDED_DIR), v.kafkaPassthrough());
    }

    /** The same configuration with Kafka at {@code address}, e.g. the embedded broker just started. */
    public KafkaConfig withBootstrap(String address) {
        return new KafkaConfig(address, topic, partitions, replicationFactor, minInsyncReplicas, embeddedDir,
                clientProperties);
    }

    @Override
    public String toString() {
        return "KafkaConfig[bootstrap=" + bootstrap + ", topic=" + topic + ", partitions=" + partitions
                + ", replication factor=" + replicationFactor.map(String::valueOf).orElse("auto")
                + ", client properties=" + clientProperties.keySet() + "]";
    }
}
