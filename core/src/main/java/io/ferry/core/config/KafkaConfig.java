package io.ferry.core.config;

import java.util.List;
import java.util.Map;

/**
 * How to reach Kafka and which topic carries the change events.
 *
 * @param bootstrap {@code host:port,...}, or {@link #EMBEDDED} for an in-process broker
 * @param topic the change topic
 * @param partitions partitions of the change topic when Ferry creates it
 * @param embeddedDir log directory of the embedded broker
 * @param clientProperties every other {@code kafka.*} key, passed to the Kafka clients as is
 */
public record KafkaConfig(String bootstrap, String topic, int partitions, String embeddedDir,
                          Map<String, String> clientProperties) {

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

    public static final ConfigKey<String> EMBEDDED_DIR = ConfigKey.builder("kafka.embedded.dir", ConfigType.STRING)
            .defaultValue(".ferry/kafka")
            .doc("Where the embedded broker (kafka.bootstrap: embedded) keeps its log. Keep it between runs: it is the "
                    + "replayable change log.")
            .validator(Validator.nonBlank())
            .build();

    public static final List<ConfigKey<?>> KEYS = List.of(BOOTSTRAP, TOPIC, PARTITIONS, EMBEDDED_DIR);

    public boolean embedded() {
        return EMBEDDED.equalsIgnoreCase(bootstrap);
    }

    static KafkaConfig from(ConfigValues v) {
        return new KafkaConfig(v.get(BOOTSTRAP), v.get(TOPIC), v.get(PARTITIONS), v.get(EMBEDDED_DIR), v.kafkaPassthrough());
    }

    @Override
    public String toString() {
        return "KafkaConfig[bootstrap=" + bootstrap + ", topic=" + topic + ", partitions=" + partitions
                + ", client properties=" + clientProperties.keySet() + "]";
    }
}
