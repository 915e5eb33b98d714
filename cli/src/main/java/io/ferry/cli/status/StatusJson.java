package io.ferry.cli.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ferry status --json}: the report as an indented JSON document, its fields named in snake_case. */
public final class StatusJson {

    private StatusJson() {
    }

    public static String render(StatusReport s) throws JsonProcessingException {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("process", s.process());
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("cluster_id", s.etcd().clusterId());
        e.put("revision", s.etcd().revision());
        e.put("compacted_revision", s.etcd().compactedRevision());
        status.put("etcd", e);
        StatusReport.Watcher w = s.watcher();
        Map<String, Object> watcher = new LinkedHashMap<>();
        watcher.put("produced_revision", w.producedRevision());
        watcher.put("epoch", w.epoch());
        watcher.put("snapshotting", w.snapshotting());
        watcher.put("revision_lag", w.revisionLag());
        watcher.put("checkpoint_age_ms", w.checkpointAgeMs());
        watcher.put("compaction_headroom_revisions", w.compactionHeadroomRevisions());
        status.put("watcher", watcher);
        status.put("kafka", kafka(s.kafka()));
        status.put("sink", sink(s.sink()));
        status.put("cutover", cutover(s.cutover()));
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status);
    }

    private static Map<String, Object> kafka(StatusReport.Kafka k) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bootstrap", k.bootstrap());
        if (k.brokers() != null) {
            out.put("brokers", k.brokers());
        }
        if (k.changeTopic() != null) {
            out.put("change_topic", topic(k.changeTopic()));
        }
        if (k.checkpointTopic() != null) {
            out.put("checkpoint_topic", topic(k.checkpointTopic()));
        }
        out.put("warnings", k.warnings());
        return out;
    }

    private static Map<String, Object> topic(StatusReport.Topic t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", t.name());
        out.put("partitions", t.partitions());
        out.put("replication_factor", t.replicationFactor());
        out.put("min_insync_replicas", t.minInsyncReplicas());
        out.put("cleanup_policy", t.cleanupPolicy());
        out.put("max_message_bytes", t.maxMessageBytes());
        return out;
    }

    private static Map<String, Object> sink(StatusReport.Sink s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("min_watermark", s.minWatermark());
        out.put("revision_lag", s.revisionLag());
        out.put("tombstone_horizon_revision", s.tombstoneHorizonRevision());
        List<Map<String, Object>> partitions = s.partitions().stream().map(p -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("partition", p.partition());
            row.put("watermark", p.watermark());
            row.put("offset", p.offset());
            row.put("end_offset", p.endOffset());
            row.put("consumer_lag", p.consumerLag());
            row.put("last_applied_age_ms", p.lastAppliedAgeMs());
            return row;
        }).toList();
        out.put("partitions", partitions);
        return out;
    }

    private static Map<String, Object> cutover(StatusReport.Cutover c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("phase", c.phase());
        if (!c.recorded()) {
            out.put("note", c.note());
            return out;
        }
        out.put("authoritative", c.authoritative());
        out.put("r0", c.r0());
        out.put("freeze_revision", c.freezeRevision());
        out.put("downtime_ms", c.downtimeMs());
        out.put("late_writes", c.lateWrites());
        if (c.reason() != null) {
            out.put("reason", c.reason());
        }
        if (c.rollbackRevision() != null) {
            out.put("rollback_revision", c.rollbackRevision());
            out.put("rollback_downtime_ms", c.rollbackDowntimeMs());
        }
        if (c.reverse() != null) {
            out.put("reverse", reverse(c.reverse()));
        }
        return out;
    }

    private static Map<String, Object> reverse(StatusReport.Reverse r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", r.state());
        if (r.progress() != null) {
            out.put("applied", r.progress().applied());
            out.put("last_applied_age_ms", r.progress().lastAppliedAgeMs());
            out.put("revision", r.progress().revision());
        }
        if (r.slot() != null) {
            out.put("slot_retained_wal_bytes", r.slot().retainedWalBytes() != null ? r.slot().retainedWalBytes()
                    : "unknown: " + r.slot().unknown());
        }
        return out;
    }
}
