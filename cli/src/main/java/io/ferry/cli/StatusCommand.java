package io.ferry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.etcd.jetcd.Client;
import io.ferry.cli.http.HealthProbe;
import io.ferry.clients.EtcdClients;
import io.ferry.clients.JdbcConnections;
import io.ferry.clients.KafkaSettings;
import io.ferry.clients.TopicCheck;
import io.ferry.clients.TopicSpec;
import io.ferry.clients.Topics;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.event.Checkpoint;
import io.ferry.reverse.ReverseCapture;
import io.ferry.reverse.ReverseProgress;
import io.ferry.reverse.ReverseTarget;
import io.ferry.sink.SinkState;
import io.ferry.state.CutoverPhase;
import io.ferry.watcher.engine.Checkpoints;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ferry status}: where replication stands, read from the stores themselves (etcd, the
 * checkpoint topic, the offsets in SQL), so it works whether or not a ferry process is running
 * on this machine.
 */
@Command(name = "status", description = "Show where replication stands: revisions, per-partition watermarks and lag, "
        + "compaction headroom, cutover phase.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        FerryConfig c = Components.resolveEmbedded(config.load());
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("process", process(c));
        // Read the downstream positions before etcd's revision, so that while writes go on a lag
        // can only look larger than it is, never negative.
        Optional<Checkpoint> cp = Checkpoints.latest(c);
        SinkState sink = SinkState.read(c);
        long etcdRevision;
        long compacted;
        try (Client etcd = EtcdClients.build(c.etcd())) {
            var header = EtcdClients.probe(etcd, c.etcd());
            etcdRevision = header.getRevision();
            compacted = EtcdClients.compactedRevision(etcd, c.etcd().prefixes().get(0));
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("cluster_id", EtcdClients.clusterId(header));
            e.put("revision", etcdRevision);
            e.put("compacted_revision", compacted);
            status.put("etcd", e);
        }
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("produced_revision", cp.map(Checkpoint::revision).orElse(-1L));
        w.put("epoch", cp.map(Checkpoint::epoch).orElse(-1L));
        w.put("snapshotting", cp.map(Checkpoint::snapshotting).orElse(false));
        w.put("revision_lag", cp.map(x -> etcdRevision - x.revision()).orElse(-1L));
        w.put("checkpoint_age_ms", cp.map(x -> System.currentTimeMillis() - x.tsMs()).orElse(-1L));
        w.put("compaction_headroom_revisions", cp.map(x -> x.revision() - compacted).orElse(-1L));
        status.put("watcher", w);
        status.put("kafka", kafka(c));
        status.put("sink", sink(c, sink, etcdRevision));
        status.put("cutover", cutover(c));
        reverse(c, status);
        print(status);
        return Ferry.EXIT_OK;
    }

    private Map<String, Object> sink(FerryConfig c, SinkState sink, long etcdRevision) throws Exception {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("min_watermark", sink.minWatermark());
        s.put("revision_lag", sink.minWatermark() < 0 ? -1 : etcdRevision - sink.minWatermark());
        s.put("tombstone_horizon_revision", sink.tombstoneHorizonRevision());
        Map<Integer, Long> ends = endOffsets(c, sink.offsets().keySet().stream().toList());
        List<Map<String, Object>> partitions = new java.util.ArrayList<>();
        sink.watermarks().forEach((p, wm) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("partition", p);
            row.put("watermark", wm);
            row.put("offset", sink.offsets().get(p));
            Long end = ends.get(p);
            row.put("end_offset", end == null ? -1 : end);
            row.put("consumer_lag", end == null ? -1 : Math.max(0, end - sink.offsets().get(p)));
            Long appliedAt = sink.appliedAtMs().get(p);
            row.put("last_applied_age_ms", appliedAt == null || appliedAt <= 0 ? -1
                    : Math.max(0, System.currentTimeMillis() - appliedAt));
            partitions.add(row);
        });
        s.put("partitions", partitions);
        return s;
    }

    /**
     * The change and checkpoint topics as they are, with what puts the guarantees at risk: replication
     * factor 1 on a cluster of several brokers, a topic that is not compacted, records too small.
     */
    private static Map<String, Object> kafka(FerryConfig c) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("bootstrap", c.kafka().bootstrap());
        List<String> warnings = new java.util.ArrayList<>();
        try (Admin admin = Admin.create(KafkaSettings.of(c.kafka()).admin())) {
            Topics topics = new Topics(admin, c.kafka().bootstrap(), c.watcher().kafkaTimeout(), "watcher.kafka.timeout.ms");
            for (TopicSpec spec : List.of(TopicSpec.changeTopic(c.kafka(), c.watcher().maxMessageBytes()),
                    TopicSpec.checkpointTopic(c.kafka()))) {
                Optional<TopicCheck> check = topics.inspect(spec);
                if (check.isEmpty()) {
                    warnings.add("topic " + spec.name() + " does not exist yet: the watcher creates it when it starts");
                    continue;
                }
                TopicCheck t = check.get();
                Map<String, Object> topic = new LinkedHashMap<>();
                topic.put("name", t.name());
                topic.put("partitions", t.partitions());
                topic.put("replication_factor", t.replicationFactor());
                topic.put("min_insync_replicas", t.minInsyncReplicas());
                topic.put("cleanup_policy", t.cleanupPolicy());
                topic.put("max_message_bytes", t.maxMessageBytes());
                k.put("brokers", t.brokers());
                k.put(spec.name().equals(c.kafka().topic()) ? "change_topic" : "checkpoint_topic", topic);
                warnings.addAll(t.warnings());
            }
        }
        k.put("warnings", warnings);
        return k;
    }

    private static Map<Integer, Long> endOffsets(FerryConfig c, List<Integer> partitions) throws Exception {
        Map<Integer, Long> out = new LinkedHashMap<>();
        try (Admin admin = Admin.create(KafkaSettings.of(c.kafka()).admin())) {
            Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
            partitions.forEach(p -> request.put(new TopicPartition(c.kafka().topic(), p), OffsetSpec.latest()));
            admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        }
        return out;
    }

    private static Map<String, Object> cutover(FerryConfig c) {
        Map<String, Object> out = new LinkedHashMap<>();
        var latest = io.ferry.cutover.CutoverRecord.of(c).latest();
        if (latest.isEmpty()) {
            out.put("phase", "forward");
            out.put("note", "no cutover recorded: etcd is authoritative");
            return out;
        }
        var l = latest.get();
        out.put("phase", statusName(l.phase()));
        out.put("authoritative", l.phase().sqlAuthoritative() ? "sql" : "etcd");
        out.put("r0", l.r0());
        out.put("freeze_revision", l.freezeRevision());
        out.put("downtime_ms", l.downtimeMs());
        out.put("late_writes", l.lateWrites());
        if (l.reason() != null) {
            out.put("reason", l.reason());
        }
        if (l.phase() == CutoverPhase.ROLLED_BACK) {
            out.put("rollback_revision", l.rollbackRevision());
            out.put("rollback_downtime_ms", l.rollbackDowntimeMs());
        }
        return out;
    }

    /** A phase as the status report names it. */
    private static String statusName(CutoverPhase phase) {
        return phase.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** During the bake period, how far reverse replication has copied SQL's changes into etcd. */
    private static void reverse(FerryConfig c, Map<String, Object> status) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> cut = (Map<String, Object>) status.get("cutover");
        Object phase = cut.get("phase");
        if (java.util.Arrays.stream(CutoverPhase.values()).noneMatch(p -> p.bakePeriod() && statusName(p).equals(phase))) {
            return;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        try (Client etcd = EtcdClients.build(c.etcd())) {
            var progress = ReverseProgress.read(etcd.getKVClient(),
                    CutoverConfig.of(c).reversePositionKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (progress.isEmpty()) {
                r.put("state", "none: the cutover opened no rollback path (--without-rollback or SQLite)");
            } else {
                r.put("state", "running");
                r.put("applied", progress.get().applied());
                r.put("last_applied_age_ms", System.currentTimeMillis() - progress.get().lastAppliedAtMs());
                r.put("revision", progress.get().revision());
            }
        }
        slotRetention(c, r);
        cut.put("reverse", r);
    }

    /**
     * On PostgreSQL, the WAL the rollback path's slot keeps: it grows for as long as the bake period
     * lasts and the reverse writer lags, and an operator must see it before the disk fills.
     */
    private static void slotRetention(FerryConfig c, Map<String, Object> r) {
        JdbcTarget target = JdbcConnections.sink(c);
        if (target.kind() != JdbcTarget.Kind.POSTGRES) {
            return;
        }
        try {
            Long bytes = new ReverseCapture(ReverseTarget.of(c), CutoverConfig.of(c).reverseSlot())
                    .retainedWalBytes();
            if (bytes != null) {
                r.put("slot_retained_wal_bytes", bytes);
            }
        } catch (FerryException e) {
            r.put("slot_retained_wal_bytes", "unknown: " + e.getMessage());
        }
    }

    /** What the process's own HTTP endpoint says, if one answers here. */
    private static String process(FerryConfig c) throws InterruptedException {
        if (!c.http().enabled()) {
            return "unknown (http.enabled is false)";
        }
        String where = c.http().bind() + ":" + c.http().port();
        try {
            // As ferry health asks: a bind to every address is asked on loopback, and the token brings the reason.
            return "running on " + where + ", " + HealthProbe.ask(HealthProbe.address(c.http(), "/ready"), c.http()).text();
        } catch (IllegalArgumentException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (java.io.IOException e) {
            return "no ferry process answers on " + where;
        }
    }

    private void print(Map<String, Object> status) throws Exception {
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status));
            return;
        }
        Map<?, ?> e = (Map<?, ?>) status.get("etcd");
        Map<?, ?> w = (Map<?, ?>) status.get("watcher");
        Map<?, ?> s = (Map<?, ?>) status.get("sink");
        System.out.println("Process:   " + status.get("process"));
        System.out.printf("etcd:      cluster %s at revision %s, compacted through %s%n", e.get("cluster_id"), e.get("revision"),
                e.get("compacted_revision"));
        System.out.printf("Watcher:   produced through revision %s (epoch %s%s), %s revisions behind etcd; "
                        + "compaction headroom %s revisions%n", w.get("produced_revision"), w.get("epoch"),
                Boolean.TRUE.equals(w.get("snapshotting")) ? ", snapshot in progress" : "", w.get("revision_lag"),
                w.get("compaction_headroom_revisions"));
        Map<?, ?> k = (Map<?, ?>) status.get("kafka");
        if (k.get("change_topic") instanceof Map<?, ?> t) {
            System.out.printf("Kafka:     topic %s at %s: %s partitions, replication factor %s (%s brokers), "
                            + "min.insync.replicas %s, cleanup.policy %s%n", t.get("name"), k.get("bootstrap"),
                    t.get("partitions"), t.get("replication_factor"), k.get("brokers"), t.get("min_insync_replicas"),
                    t.get("cleanup_policy"));
        }
        for (Object warning : (List<?>) k.get("warnings")) {
            System.out.println("  WARNING: " + warning);
        }
        System.out.printf("Sink:      SQL reflects etcd through revision %s (%s revisions behind)%n", s.get("min_watermark"),
                s.get("revision_lag"));
        System.out.println("  partition  watermark      offset  end offset  consumer lag  last applied");
        for (Object o : (List<?>) s.get("partitions")) {
            Map<?, ?> p = (Map<?, ?>) o;
            long age = ((Number) p.get("last_applied_age_ms")).longValue();
            System.out.printf("  %9s %10s %11s %11s %13s  %12s%n", p.get("partition"), p.get("watermark"), p.get("offset"),
                    p.get("end_offset"), p.get("consumer_lag"), age < 0 ? "never" : String.format("%.1f s ago", age / 1000.0));
        }
        Map<?, ?> cut = (Map<?, ?>) status.get("cutover");
        System.out.println("Cutover:   " + cut.get("phase") + (cut.containsKey("freeze_revision")
                ? " (" + cut.get("authoritative") + " authoritative; F=" + cut.get("freeze_revision") + ", downtime "
                + cut.get("downtime_ms") + " ms, " + cut.get("late_writes") + " late writes recorded"
                + (cut.containsKey("rollback_revision") ? "; rolled back at RB=" + cut.get("rollback_revision") + ", downtime "
                + cut.get("rollback_downtime_ms") + " ms" : "")
                + (cut.containsKey("reason") ? ", " + cut.get("reason") : "") + ")" : " (" + cut.get("note") + ")"));
        if (cut.get("reverse") instanceof Map<?, ?> r) {
            System.out.println("Reverse:   " + (r.containsKey("applied") ? "replication running: " + r.get("applied")
                    + " SQL changes copied into etcd, the last " + String.format("%.1f s ago", ((Number) r.get("last_applied_age_ms"))
                    .longValue() / 1000.0) + " (etcd revision " + r.get("revision") + ")" : r.get("state"))
                    + (r.get("slot_retained_wal_bytes") instanceof Number n ? String.format(
                    "; the replication slot keeps %.1f MiB of WAL until ferry finish or ferry rollback", n.longValue() / 1048576.0)
                    : r.containsKey("slot_retained_wal_bytes") ? "; the slot's retained WAL is " + r.get("slot_retained_wal_bytes") : ""));
        }
    }
}
