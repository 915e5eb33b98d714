package io.ferry.sink;

import io.ferry.core.config.FerryConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Kafka client settings: the {@code kafka.*} passthrough first, then the settings the sink's
 * guarantees depend on, which a passthrough cannot override, and tuning defaults, which it can.
 */
final class KafkaClients {

    private KafkaClients() {
    }

    static Map<String, Object> consumer(FerryConfig config) {
        Map<String, Object> props = common(config);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.sink().group());
        // Only committed watcher transactions: an aborted one must never reach SQL.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Offsets live in SQL; Kafka's are written for monitoring only, after each SQL commit.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.sink().batchMaxRecords());
        // A tuning default, not a guarantee, so a kafka.* setting wins: the broker's 500 ms wait
        // for fetch.min.bytes would otherwise add up to half a second to a quiet stream's age.
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        return props;
    }

    /** A consumer with no group, for looking up offsets. */
    static Map<String, Object> lookup(FerryConfig config) {
        Map<String, Object> props = common(config);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    static Map<String, Object> producer(FerryConfig config) {
        Map<String, Object> props = common(config);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return props;
    }

    private static Map<String, Object> common(FerryConfig config) {
        if (config.kafka().embedded()) {
            throw new SinkException("kafka.bootstrap is 'embedded', which only ferry run can resolve; give the sink "
                    + "the broker's host:port");
        }
        Map<String, Object> props = new HashMap<>(config.kafka().clientProperties());
        props.put("bootstrap.servers", config.kafka().bootstrap());
        return props;
    }
}
