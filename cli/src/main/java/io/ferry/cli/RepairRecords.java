package io.ferry.cli;

import io.etcd.jetcd.Client;
import io.ferry.core.config.FerryConfig;
import io.ferry.reconciler.ReconcileReport;
import io.ferry.reconciler.Repairer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Sends the reconciler's repairs to the change topic, where the sink applies them: SQL is never written directly. */
final class RepairRecords {

    private RepairRecords() {
    }

    /** Re-emits etcd's current state of each differing key; returns how many records were written. */
    static long emit(FerryConfig c, Client etcd, ReconcileReport report) {
        FerryConfig resolved = Components.resolveEmbedded(c);
        Map<String, Object> props = new HashMap<>(resolved.kafka().clientProperties());
        props.put("bootstrap.servers", resolved.kafka().bootstrap());
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.put("max.request.size", Integer.toString(8 << 20));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            // Repair records belong to no snapshot, so they carry epoch 0.
            return new Repairer(etcd.getKVClient(), producer, resolved.kafka().topic(), 0).repair(report.differences());
        }
    }
}
