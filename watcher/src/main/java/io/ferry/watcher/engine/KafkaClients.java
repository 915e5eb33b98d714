package io.ferry.watcher.engine;

import io.ferry.clients.KafkaSettings;
import io.ferry.core.FerryException;
import io.ferry.core.config.KafkaConfig;
import io.ferry.watcher.WatcherException;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Client properties for the watcher's producer, checkpoint consumer and admin client: the shared
 * {@link KafkaSettings} (security, and the settings exactly-once depends on), plus the watcher's
 * transactional id, record limit and throughput tuning, which a {@code kafka.*} setting may change.
 */
final class KafkaClients {

    private final KafkaSettings settings;
    private final int maxMessageBytes;

    KafkaClients(KafkaConfig config, int maxMessageBytes) {
        try {
            this.settings = KafkaSettings.of(config);
        } catch (FerryException e) {
            throw new WatcherException(e.getMessage(), e);
        }
        this.maxMessageBytes = maxMessageBytes;
    }

    String bootstrap() {
        return settings.bootstrap();
    }

    Map<String, Object> admin() {
        return settings.admin();
    }

    Map<String, Object> producer(String transactionalId) {
        Map<String, Object> p = settings.producer();
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
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxMessageBytes);
        return p;
    }

    Map<String, Object> checkpointConsumer() {
        return settings.consumer();
    }
}
