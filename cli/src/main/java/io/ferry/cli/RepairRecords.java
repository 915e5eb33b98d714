package io.ferry.cli;

import io.etcd.jetcd.Client;
import io.ferry.core.config.FerryConfig;
import io.ferry.reconciler.ReconcileReport;
import io.ferry.reconciler.Repairer;
import io.ferry.clients.KafkaSettings;
import io.ferry.clients.RecordSigner;
import io.ferry.core.config.SigningConfig;
import io.ferry.clients.Topics;
import io.ferry.core.FerryException;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends the reconciler's repairs to the change topic, where the sink applies them: SQL is never written directly.
 * It writes the change topic, so it runs with the watcher's Kafka principal (the only one that may write it) and,
 * with {@code signing.key} set, signs like the watcher.
 */
final class RepairRecords {

    private RepairRecords() {
    }

    /** Re-emits etcd's current state of each differing key; returns how many records were written. */
    static long emit(FerryConfig c, Client etcd, ReconcileReport report) {
        FerryConfig resolved = Components.resolveEmbedded(c);
        KafkaSettings settings = KafkaSettings.of(resolved.kafka());
        // A producer's metadata request would make a missing topic on a broker with auto-creation on, with the
        // broker's defaults (not compacted): repair only into the topic the watcher made.
        try (Admin admin = Admin.create(settings.admin())) {
            if (!new Topics(admin, resolved.kafka().bootstrap(), resolved.watcher().kafkaTimeout(), "watcher.kafka.timeout.ms")
                    .exists(resolved.kafka().topic())) {
                throw new FerryException("cannot repair: topic " + resolved.kafka().topic() + " does not exist at "
                        + resolved.kafka().bootstrap() + ". Start the watcher (ferry watch or ferry run), which creates it.");
            }
        }
        Map<String, Object> props = settings.producer();
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, resolved.watcher().maxMessageBytes());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            // Repair records belong to no snapshot, so they carry epoch 0.
            return new Repairer(etcd.getKVClient(), producer, resolved.kafka().topic(), 0,
                    RecordSigner.of(SigningConfig.of(resolved))).repair(report.differences());
        }
    }
}
