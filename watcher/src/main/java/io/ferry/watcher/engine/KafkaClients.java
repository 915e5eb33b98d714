package io.ferry.watcher.engine;

import io.ferry.core.config.KafkaConfig;
import io.ferry.watcher.WatcherException;
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
 * Client properties for the watcher's producer, checkpoint consumer and admin client: the
 * {@code kafka.*} passthrough settings (SASL, SSL, timeouts) first, then the settings that
 * exactly-once depends on, which the passthrough may not change.
 */
final class KafkaClients {

    /** Settings Ferry owns; letting a passthrough change them would break its guarantees. */
    private static final Set<String> MANAGED = Set.of(
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.ACKS_CONFIG,
            ProducerConfig.PARTITIONER_CLASS_CONFIG, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);

    private final KafkaConfig config;
    private final int maxMessageBytes;

    KafkaClients(KafkaConfig config, int maxMessageBytes) {
        this.config = config;
        this.maxMessageBytes = maxMessageBytes;
        if (config.embedded()) {
            throw new WatcherException("kafka.bootstrap is 'embedded', which only 'ferry run' provides. "
                    + "Set kafka.bootstrap to the brokers' host:port list for 'ferry watch'.");
        }
        List<String> problems = new ArrayList<>();
        Set<String> known = new TreeSet<>(ProducerConfig.configNames());
        known.addAll(ConsumerConfig.configNames());
        known.addAll(AdminClientConfig.configNames());
        for (String name : config.clientProperties().keySet()) {
            if (MANAGED.contains(name)) {
                problems.add("kafka." + name + " is set by Ferry itself and cannot be overridden");
            } else if (!known.contains(name)) {
                problems.add("kafka." + name + " is not a Kafka producer, consumer or admin client setting");
            }
        }
        if (!problems.isEmpty()) {
            throw new WatcherException("invalid Kafka client settings: " + String.join("; ", problems)
                    + ". Remove them, or fix their names (see the Kafka client configuration reference).");
        }
    }

    String bootstrap() {
        return config.bootstrap();
    }

    Map<String, Object> admin() {
        Map<String, Object> p = passthrough(AdminClientConfig.configNames());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        return p;
    }

    Map<String, Object> producer(String transactionalId) {
        Map<String, Object> p = passthrough(ProducerConfig.configNames());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // The default 16 KiB batch holds only ~30 change records, so a snapshot sent many small requests.
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // A transaction that starts while the broker still completes the previous commit is refused
        // with CONCURRENT_TRANSACTIONS; the default back-off (100 ms growing to 1 s) would then
        // dominate end-to-end lag, now that the watcher commits back to back.
        // A user's own retry.backoff.ms is not capped by our maximum.
        if (p.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10) == null) {
            p.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 100);
        }
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxMessageBytes);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    Map<String, Object> checkpointConsumer() {
        Map<String, Object> p = passthrough(ConsumerConfig.configNames());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
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
