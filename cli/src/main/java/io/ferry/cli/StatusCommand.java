package io.ferry.cli;

import io.etcd.jetcd.Client;
import io.ferry.cli.http.HealthProbe;
import io.ferry.cli.status.StatusJson;
import io.ferry.cli.status.StatusReport;
import io.ferry.cli.status.StatusText;
import io.ferry.clients.EtcdClients;
import io.ferry.clients.JdbcConnections;
import io.ferry.clients.KafkaSettings;
import io.ferry.clients.RecordLag;
import io.ferry.clients.TopicCheck;
import io.ferry.clients.TopicSpec;
import io.ferry.clients.Topics;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.event.Checkpoint;
import io.ferry.cutover.CutoverRecord;
import io.ferry.reverse.ReverseCapture;
import io.ferry.reverse.ReverseProgress;
import io.ferry.reverse.ReverseTarget;
import io.ferry.sink.SinkState;
import io.ferry.state.CutoverPhase;
import io.ferry.state.CutoverRow;
import io.ferry.watcher.EtcdWatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
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
        String process = process(c);
        // Read the downstream positions before etcd's revision, so that while writes go on a lag
        // can only look larger than it is, never negative.
        Optional<Checkpoint> cp = EtcdWatcher.latestCheckpoint(c);
        SinkState sink = SinkState.read(c);
        StatusReport.Etcd etcd;
        try (Client client = EtcdClients.build(c.etcd())) {
            var header = EtcdClients.probe(client, c.etcd());
            etcd = new StatusReport.Etcd(EtcdClients.clusterId(header), header.getRevision(),
                    EtcdClients.compactedRevision(client, c.etcd().prefixes().get(0)));
        }
        long now = System.currentTimeMillis();
        StatusReport.Watcher watcher = cp.map(x -> new StatusReport.Watcher(x.revision(), x.epoch(), x.snapshotting(),
                        etcd.revision() - x.revision(), now - x.tsMs(), x.revision() - etcd.compactedRevision()))
                .orElse(new StatusReport.Watcher(-1, -1, false, -1, -1, -1));
        StatusReport.Kafka kafka = kafka(c);
        StatusReport.Sink sinkStatus = sink(c, sink, etcd.revision());
        StatusReport.Cutover cutover = cutover(c);
        StatusReport status = new StatusReport(process, etcd, watcher, kafka, sinkStatus, cutover.withReverse(reverse(c, cutover)));
        if (json) {
            System.out.println(StatusJson.render(status));
        } else {
            StatusText.render(status, System.out);
        }
        return Ferry.EXIT_OK;
    }

    private static StatusReport.Sink sink(FerryConfig c, SinkState sink, long etcdRevision) throws Exception {
        Map<Integer, Long> ends = endOffsets(c, sink.offsets().keySet().stream().toList());
        // In records, not offsets: the commit markers between the sink's offset and the end are no lag.
        Map<Integer, Long> lag = RecordLag.of(KafkaSettings.of(c.kafka()).consumer(), c.kafka().topic(), sink.offsets(), ends,
                Duration.ofSeconds(10));
        List<StatusReport.Partition> partitions = new ArrayList<>();
        sink.watermarks().forEach((p, wm) -> {
            Long offset = sink.offsets().get(p);
            Long end = ends.get(p);
            Long appliedAt = sink.appliedAtMs().get(p);
            partitions.add(new StatusReport.Partition(p, wm, offset, end == null ? -1 : end,
                    end == null ? -1 : lag.getOrDefault(p, Math.max(0, end - offset)),
                    appliedAt == null || appliedAt <= 0 ? -1 : Math.max(0, System.currentTimeMillis() - appliedAt)));
        });
        return new StatusReport.Sink(sink.minWatermark(), sink.minWatermark() < 0 ? -1 : etcdRevision - sink.minWatermark(),
                sink.tombstoneHorizonRevision(), partitions);
    }

    /**
     * The change and checkpoint topics as they are, with what puts the guarantees at risk: replication
     * factor 1 on a cluster of several brokers, a topic that is not compacted, records too small.
     */
    private static StatusReport.Kafka kafka(FerryConfig c) {
        List<String> warnings = new ArrayList<>();
        Integer brokers = null;
        StatusReport.Topic change = null;
        StatusReport.Topic checkpoint = null;
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
                StatusReport.Topic topic = new StatusReport.Topic(t.name(), t.partitions(), t.replicationFactor(),
                        t.minInsyncReplicas(), t.cleanupPolicy(), t.maxMessageBytes());
                brokers = t.brokers();
                if (spec.name().equals(c.kafka().topic())) {
                    change = topic;
                } else {
                    checkpoint = topic;
                }
                warnings.addAll(t.warnings());
            }
        }
        return new StatusReport.Kafka(c.kafka().bootstrap(), brokers, change, checkpoint, warnings);
    }

    private static Map<Integer, Long> endOffsets(FerryConfig c, List<Integer> partitions) throws Exception {
        Map<Integer, Long> out = new LinkedHashMap<>();
        try (Admin admin = Admin.create(KafkaSettings.of(c.kafka()).admin())) {
            Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
            partitions.forEach(p -> request.put(new TopicPartition(c.kafka().topic(), p), OffsetSpec.latest()));
            // The last stable offset: records of a transaction still open are not there to read yet.
            admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        }
        return out;
    }

    private static StatusReport.Cutover cutover(FerryConfig c) {
        Optional<CutoverRow> latest = CutoverRecord.of(c).latest();
        if (latest.isEmpty()) {
            return StatusReport.Cutover.none("no cutover recorded: etcd is authoritative");
        }
        CutoverRow l = latest.get();
        boolean rolledBack = l.phase() == CutoverPhase.ROLLED_BACK;
        return new StatusReport.Cutover(statusName(l.phase()), null, l.phase().sqlAuthoritative() ? "sql" : "etcd", l.r0(),
                l.freezeRevision(), l.downtimeMs(), l.lateWrites(), l.reason(), rolledBack ? l.rollbackRevision() : null,
                rolledBack ? l.rollbackDowntimeMs() : null, null);
    }

    /** A phase as the status report names it. */
    private static String statusName(CutoverPhase phase) {
        return phase.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** During the bake period, how far reverse replication has copied SQL's changes into etcd; null outside it. */
    private static StatusReport.Reverse reverse(FerryConfig c, StatusReport.Cutover cutover) throws Exception {
        if (Arrays.stream(CutoverPhase.values()).noneMatch(p -> p.bakePeriod() && statusName(p).equals(cutover.phase()))) {
            return null;
        }
        Optional<ReverseProgress> progress;
        try (Client etcd = EtcdClients.build(c.etcd())) {
            progress = ReverseProgress.read(etcd.getKVClient(),
                    CutoverConfig.of(c).reversePositionKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        long now = System.currentTimeMillis();
        return new StatusReport.Reverse(progress.isEmpty() ? "none: the cutover opened no rollback path (--without-rollback or SQLite)"
                : "running", progress.map(p -> new StatusReport.Progress(p.applied(), now - p.lastAppliedAtMs(), p.revision()))
                .orElse(null), slotRetention(c));
    }

    /**
     * On PostgreSQL, the WAL the rollback path's slot keeps: it grows for as long as the bake period
     * lasts and the reverse writer lags, and an operator must see it before the disk fills.
     */
    private static StatusReport.Slot slotRetention(FerryConfig c) {
        JdbcTarget target = JdbcConnections.sink(c);
        if (target.kind() != JdbcTarget.Kind.POSTGRES) {
            return null;
        }
        try {
            Long bytes = new ReverseCapture(ReverseTarget.of(c), CutoverConfig.of(c).reverseSlot()).retainedWalBytes();
            return bytes == null ? null : new StatusReport.Slot(bytes, null);
        } catch (FerryException e) {
            return new StatusReport.Slot(null, e.getMessage());
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
}
