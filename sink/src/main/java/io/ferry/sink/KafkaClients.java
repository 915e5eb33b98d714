package io.ferry.sink;

import io.ferry.clients.KafkaSettings;
import io.ferry.core.FerryException;
import io.ferry.core.HostName;
import io.ferry.core.config.FerryConfig;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The sink's Kafka client settings: the shared {@link KafkaSettings} (security, read_committed, no
 * topic auto-creation), plus the sink's group membership and batch size, and tuning defaults that a
 * {@code kafka.*} setting may change.
 */
final class KafkaClients {

    private KafkaClients() {
    }

    /**
     * The group consumer: a static member ({@code sink.instance.id}, the host name by default), so that
     * a sink restarted after a crash is back at work at once instead of after the dead member's session
     * has timed out. Offsets live in SQL; Kafka's are written for monitoring only, after each SQL commit.
     */
    static Map<String, Object> consumer(FerryConfig config) {
        Map<String, Object> props = settings(config).groupConsumer(config.sink().group(), instanceId(config));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.sink().batchMaxRecords());
        // A tuning default, not a guarantee, so a kafka.* setting wins: the broker's 500 ms wait
        // for fetch.min.bytes would otherwise add up to half a second to a quiet stream's age.
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        return props;
    }

    /** This sink's member id in its group. */
    static String instanceId(FerryConfig config) {
        return config.sink().instanceId().orElseGet(HostName::get);
    }

    /** A consumer with no group, for looking up offsets. */
    static Map<String, Object> lookup(FerryConfig config) {
        return settings(config).consumer();
    }

    /** The dead-letter producer: a bad record may be as large as the largest record of the change topic. */
    static Map<String, Object> producer(FerryConfig config) {
        Map<String, Object> props = settings(config).producer();
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.watcher().maxMessageBytes());
        return props;
    }

    static Map<String, Object> admin(FerryConfig config) {
        return settings(config).admin();
    }

    private static KafkaSettings settings(FerryConfig config) {
        try {
            return KafkaSettings.of(config.kafka());
        } catch (FerryException e) {
            throw new SinkException(e.getMessage(), e);
        }
    }
}
