package io.ferry.watcher.engine;

import io.ferry.clients.EtcdClients;
import io.ferry.core.config.WatcherConfig;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ControlRecord;
import io.ferry.watcher.WatcherState;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies every prefix at one revision R under a new epoch, bracketed on every partition by
 * snapshot_begin and snapshot_end, then a watermark at R. If etcd compacts R while the copy
 * runs, it starts again at a new R under the next epoch.
 */
final class Snapshotter {

    private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);

    /** Where a completed snapshot left the watcher. */
    record Result(long revision, long epoch) {
    }

    private final RunContext ctx;
    private final WatcherConfig config;

    Snapshotter(RunContext ctx) {
        this.ctx = ctx;
        this.config = ctx.config().watcher();
    }

    Result run(long epoch) {
        ctx.states().accept(WatcherState.SNAPSHOTTING);
        while (true) {
            try {
                return attempt(epoch);
            } catch (Failures.RevisionCompacted e) {
                LOG.warn("etcd compacted the snapshot revision of epoch {} while it was being read ({}); starting a "
                        + "new snapshot at the current revision under epoch {}", epoch, e.getMessage(), epoch + 1);
                epoch++;
            }
        }
    }

    private Result attempt(long epoch) {
        EventPublisher out = ctx.publisher();
        long revision = EtcdClients.probe(ctx.etcd(), ctx.config().etcd(), ctx.prefixes().ranges().get(0).start())
                .getRevision();
        SnapshotReader reader = new SnapshotReader(ctx.etcd(), ctx.config().etcd(), config.snapshotPageKeys(),
                config.snapshotPageBytes(),
                Duration.ofSeconds(Math.max(30, ctx.config().etcd().connectTimeout().toSeconds())));
        long total = reader.count(ctx.prefixes(), revision);
        ctx.metrics().epoch(epoch);
        ctx.metrics().snapshotStarted(total);
        LOG.info("Snapshot of epoch {} at etcd revision {}: {} keys under {}", epoch, revision, total,
                ctx.config().etcd().prefixes());
        long started = System.nanoTime();
        out.control(ControlRecord.Kind.SNAPSHOT_BEGIN, ctx.mapper().clusterId(), revision, epoch);
        out.commit(ctx.checkpoint(revision, epoch, true));
        long[] done = {0};
        reader.read(ctx.prefixes(), revision, (page, last) -> {
            if (ctx.stopping()) {
                throw new RunContext.Stopped();
            }
            ctx.checkLeadership();
            long now = System.currentTimeMillis();
            for (int i = 0; i < page.size(); i++) {
                ChangeEvent read = ctx.mapper().snapshotRead(page.get(i), revision, epoch, now);
                if (last && i == page.size() - 1) {
                    out.lastSnapshotRead(read);
                } else {
                    out.change(read);
                }
            }
            ctx.metrics().snapshotKeys(page.size());
            done[0] += page.size();
            // Own cadence: mid-snapshot commits only bound the open transaction (see WatcherConfig).
            if (out.bytesInTransaction() >= config.snapshotCommitBytes()
                    || out.transactionAge().compareTo(config.snapshotCommitInterval()) >= 0) {
                out.commit(ctx.checkpoint(revision, epoch, true));
            }
        });
        out.control(ControlRecord.Kind.SNAPSHOT_END, ctx.mapper().clusterId(), revision, epoch);
        out.control(ControlRecord.Kind.WATERMARK, ctx.mapper().clusterId(), revision, epoch);
        out.commit(ctx.checkpoint(revision, epoch, false));
        LOG.info("Snapshot of epoch {} at revision {} complete: {} keys in {} ms; watching from revision {}", epoch,
                revision, done[0], (System.nanoTime() - started) / 1_000_000, revision + 1);
        return new Result(revision, epoch);
    }
}
