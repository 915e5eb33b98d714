package io.ferry.cli.status;

import java.io.PrintStream;

/** {@code ferry status}: the report as lines for the operator. */
public final class StatusText {

    private StatusText() {
    }

    public static void render(StatusReport s, PrintStream out) {
        out.println("Process:   " + s.process());
        out.printf("etcd:      cluster %s at revision %s, compacted through %s%n", s.etcd().clusterId(), s.etcd().revision(),
                s.etcd().compactedRevision());
        StatusReport.Watcher w = s.watcher();
        out.printf("Watcher:   produced through revision %s (epoch %s%s), %s revisions behind etcd; "
                        + "compaction headroom %s revisions%n", w.producedRevision(), w.epoch(),
                w.snapshotting() ? ", snapshot in progress" : "", w.revisionLag(), w.compactionHeadroomRevisions());
        StatusReport.Kafka k = s.kafka();
        if (k.changeTopic() != null) {
            StatusReport.Topic t = k.changeTopic();
            out.printf("Kafka:     topic %s at %s: %s partitions, replication factor %s (%s brokers), "
                            + "min.insync.replicas %s, cleanup.policy %s%n", t.name(), k.bootstrap(), t.partitions(),
                    t.replicationFactor(), k.brokers(), t.minInsyncReplicas(), t.cleanupPolicy());
        }
        for (String warning : k.warnings()) {
            out.println("  WARNING: " + warning);
        }
        out.printf("Sink:      SQL reflects etcd through revision %s (%s revisions behind)%n", s.sink().minWatermark(),
                s.sink().revisionLag());
        out.println("  partition  watermark      offset  end offset  consumer lag  last applied");
        for (StatusReport.Partition p : s.sink().partitions()) {
            long age = p.lastAppliedAgeMs();
            out.printf("  %9s %10s %11s %11s %13s  %12s%n", p.partition(), p.watermark(), p.offset(), p.endOffset(),
                    p.consumerLag(), age < 0 ? "never" : String.format("%.1f s ago", age / 1000.0));
        }
        StatusReport.Cutover c = s.cutover();
        out.println("Cutover:   " + c.phase() + (c.recorded()
                ? " (" + c.authoritative() + " authoritative; F=" + c.freezeRevision() + ", downtime " + c.downtimeMs()
                + " ms, " + c.lateWrites() + " late writes recorded"
                + (c.rollbackRevision() != null ? "; rolled back at RB=" + c.rollbackRevision() + ", downtime "
                + c.rollbackDowntimeMs() + " ms" : "")
                + (c.reason() != null ? ", " + c.reason() : "") + ")" : " (" + c.note() + ")"));
        if (c.reverse() != null) {
            StatusReport.Reverse r = c.reverse();
            StatusReport.Progress p = r.progress();
            out.println("Reverse:   " + (p != null ? "replication running: " + p.applied()
                    + " SQL changes copied into etcd, the last " + String.format("%.1f s ago", p.lastAppliedAgeMs() / 1000.0)
                    + " (etcd revision " + p.revision() + ")" : r.state())
                    + (r.slot() == null ? "" : r.slot().retainedWalBytes() != null ? String.format(
                    "; the replication slot keeps %.1f MiB of WAL until ferry finish or ferry rollback",
                    r.slot().retainedWalBytes() / 1048576.0) : "; the slot's retained WAL is unknown: " + r.slot().unknown()));
        }
    }
}
