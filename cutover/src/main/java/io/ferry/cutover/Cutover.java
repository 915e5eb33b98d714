package io.ferry.cutover;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.ferry.clients.JdbcConnections;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.reconciler.IncrementalVerifier;
import io.ferry.reconciler.ProgressListener;
import io.ferry.reconciler.ReconcileOptions;
import io.ferry.reconciler.ReconcileReport;
import io.ferry.reconciler.Reconciler;
import io.ferry.reconciler.sql.SqlTable;
import io.ferry.reverse.Authority;
import io.ferry.reverse.ReverseCapture;
import io.ferry.reverse.ReverseTarget;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The cutover of the shared design: pre-check, pre-verify at R0 online, freeze, drain to F,
 * verify (R0, F] only, switch. With a rollback path, it opens the change capture first, writes a
 * probe row in SQL once the sink is drained, and switches only once the reverse writer has carried
 * the probe into etcd through the capture: the way back must exist before SQL becomes
 * authoritative, and it starts at the probe. Any failure aborts it: the freeze
 * is undone, etcd stays authoritative, the record says why. The downtime, from the start of the
 * freeze to the switch, is measured, stored and returned. Each step goes to a {@link StepListener}.
 */
public final class Cutover {

    /**
     * How to cut over.
     *
     * @param prefixes replicated prefixes
     * @param mode how writers are stopped
     * @param markerKey the freeze marker, under a replicated prefix
     * @param versionKey the key that marks etcd's data as migrated
     * @param fenceKey the key written to end each online verification round
     * @param maxLag the most revisions the sink may be behind at the pre-check
     * @param quiet how long etcd must see no write before the freeze is complete
     * @param timeout the limit for each waiting step
     * @param rollbackPath the rollback path, opened and proved before the switch; null to cut over without one
     *     (SQLite, or --without-rollback)
     */
    public record Plan(List<String> prefixes, FreezeMode mode, byte[] markerKey, byte[] versionKey, byte[] fenceKey, long maxLag,
                       Duration quiet, Duration timeout, RollbackPath rollbackPath) {

        /**
         * The cutover of the deployment {@code c} describes, its writers stopped as {@code mode} says, with a
         * rollback path unless {@code withoutRollback} or the database is SQLite, which has no change stream.
         */
        public static Plan of(FerryConfig c, FreezeMode mode, boolean withoutRollback) {
            CutoverConfig cc = CutoverConfig.of(c);
            JdbcTarget target = JdbcConnections.sink(c);
            RollbackPath path = withoutRollback || target.kind() == JdbcTarget.Kind.SQLITE ? null
                    : new RollbackPath(new ReverseCapture(ReverseTarget.of(c), cc.reverseSlot()), SqlFence.of(c),
                    bytes(cc.reversePositionKey()), bytes(cc.reverseProbeKey()));
            return new Plan(c.etcd().prefixes(), mode, bytes(cc.markerKey()), bytes(cc.versionKey()), bytes(cc.fenceKey()),
                    cc.maxLag(), cc.quiet(), cc.timeout(), path);
        }
    }

    /**
     * The rollback path, as the cutover opens and proves it.
     *
     * @param capture the change capture, opened before the freeze
     * @param probeWriter writes the probe row into the generic table, as an application would
     * @param positionKey where the capture's starting position goes in etcd
     * @param probeKey the probe row's key, which the reverse writer carries into etcd
     */
    public record RollbackPath(ReverseCapture capture, SqlFence probeWriter, byte[] positionKey, byte[] probeKey) {
    }

    /**
     * A completed cutover.
     *
     * @param r0 the revision verified in full online
     * @param f the freeze revision
     * @param downtimeMs from the start of the freeze to the switch
     * @param changedKeys keys changed in (R0, F], verified at F
     */
    public record Outcome(long r0, long f, long downtimeMs, long changedKeys) {
    }

    /** A round this short leaves few enough writes for the frozen verification. */
    private static final Duration SHORT_ROUND = Duration.ofMillis(300);
    private static final int MAX_ROUNDS = 5;

    private final Client etcd;
    private final SqlTable sql;
    private final CutoverRecord record;
    private final StepListener listener;

    public Cutover(Client etcd, SqlTable sql, CutoverRecord record, StepListener listener) {
        this.etcd = etcd;
        this.sql = sql;
        this.record = record;
        this.listener = listener;
    }

    /**
     * Undoes the freeze an interrupted cutover left: deletes the marker, so that cooperating writers resume, then
     * records the open cutover, if any, as aborted; returns its id.
     */
    public static Optional<Long> abort(Client etcd, CutoverConfig cc, CutoverRecord record) throws Exception {
        new Freeze(etcd, bytes(cc.markerKey())).unfreeze();
        return record.abortOpen("aborted by ferry cutover --abort");
    }

    public Outcome run(Plan plan) throws Exception {
        RollbackPath rollbackPath = plan.rollbackPath();
        Steps steps = new Steps(listener, rollbackPath == null ? 7 : 10);
        Reconciler reconciler = new Reconciler(etcd.getKVClient(), sql, ProgressListener.NONE);
        long id = System.currentTimeMillis();
        byte[] probe = ("probe of cutover " + id).getBytes(StandardCharsets.UTF_8);
        steps.run("pre-check: etcd, sink lag, compaction", () -> precheck(reconciler, plan));
        long r0 = reconciler.currentRevision(plan.prefixes());
        record.begin(id, r0);
        Freeze freeze = new Freeze(etcd, plan.markerKey());
        long freezeStart = 0;
        try {
            if (rollbackPath != null) {
                // Early, so that the reverse writer has its Debezium engine running long before the freeze: it reads
                // and passes over the sink's writes until the probe, which marks where the way back starts.
                steps.run("open the rollback path (SQL change capture)", () -> {
                    rollbackPath.capture().open(etcd, rollbackPath.positionKey(), id);
                    return "";
                });
            }
            steps.run("pre-verify at R0=" + r0 + " (online)", () -> preVerify(reconciler, plan, r0));
            Round online = steps.run("converge: verify changes since R0 online", () -> converge(plan, r0));
            steps.note("R1 = " + online.revision + ", " + online.suspects.size() + " keys to compare again at F");
            freezeStart = System.nanoTime();
            long f = steps.run("freeze (" + plan.mode().name().toLowerCase(java.util.Locale.ROOT) + ")",
                    () -> freeze.freeze(plan.mode(), Reconciler.distinctRoots(plan.prefixes()), r0, plan.quiet(), plan.timeout()));
            record.frozen(id, f, System.currentTimeMillis());
            steps.note("F = " + f);
            steps.run("drain: every partition's watermark >= F", () -> drain(f, plan.timeout()));
            if (rollbackPath != null) {
                // Only now: the sink is idle (drained to F, etcd frozen), so the probe lies after its last write and
                // before the first one an application makes to SQL after the switch. The reverse writer copies into
                // etcd only what comes after it. Written at once, so that it travels while (R1, F] is verified.
                steps.run("write the rollback path's probe in SQL", () -> {
                    rollbackPath.probeWriter().write(rollbackPath.probeKey(), probe);
                    return "";
                });
            }
            IncrementalVerifier.Result verified = steps.run("verify (R1, F]: changed keys only",
                    () -> verify(plan, online, f));
            if (rollbackPath != null) {
                long p = steps.run("prove the rollback path: the probe reaches etcd through the reverse writer",
                        () -> awaitProbe(rollbackPath, probe, plan.timeout()));
                steps.note("the probe is in etcd at revision " + p + " and in SQL as etcd has it");
            }
            String digest = digest(r0, f, verified.changedKeys());
            long frozenSince = freezeStart;
            long downtimeMs = steps.run("switch: record in SQL, mark etcd migrated", () -> {
                // The SQL record is the switch: from its commit on, the sink applies no etcd change after F.
                long ms = (System.nanoTime() - frozenSince) / 1_000_000;
                record.switched(id, System.currentTimeMillis(), ms, digest);
                etcd.getKVClient().put(ByteSequence.from(plan.versionKey()), ByteSequence.from(Authority.switched(f, digest)))
                        .get(30, TimeUnit.SECONDS);
                return ms;
            });
            return new Outcome(r0, f, downtimeMs, verified.changedKeys());
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            try {
                freeze.unfreeze();
                if (rollbackPath != null) {
                    rollbackPath.capture().release();
                    withdrawProbe(rollbackPath, probe);
                }
            } finally {
                record.aborted(id, reason);
            }
            throw new FerryException("cutover aborted, etcd stays authoritative and the freeze was undone: " + reason, e);
        }
    }

    /**
     * After an abort: the capture's position goes from etcd first, so that no reverse writer can still
     * carry the probe (its transaction compares the position); then SQL's probe row becomes what etcd
     * holds, which is what the sink would make of it: none, the carried probe itself, or an earlier
     * cutover's.
     */
    private void withdrawProbe(RollbackPath path, byte[] probe) throws Exception {
        etcd.getKVClient().delete(ByteSequence.from(path.positionKey())).get(30, TimeUnit.SECONDS);
        List<io.etcd.jetcd.KeyValue> kvs = etcd.getKVClient().get(ByteSequence.from(path.probeKey()))
                .get(30, TimeUnit.SECONDS).getKvs();
        if (kvs.isEmpty()) {
            path.probeWriter().remove(path.probeKey());
        } else if (!java.util.Arrays.equals(kvs.get(0).getValue().getBytes(), probe)) {
            io.etcd.jetcd.KeyValue kv = kvs.get(0);
            path.probeWriter().restore(path.probeKey(), kv.getValue().getBytes(),
                    new long[] {kv.getCreateRevision(), kv.getModRevision(), kv.getVersion(), kv.getLease()});
        }
    }

    private String precheck(Reconciler reconciler, Plan plan) throws Exception {
        // Watermarks first, then etcd: with writes going on, the lag can then only look larger, never negative.
        Map<Integer, Long> marks = sql.watermarks();
        long rev = reconciler.currentRevision(plan.prefixes());
        if (marks.isEmpty()) {
            throw new FerryException("the sink has stored no watermark: start it (ferry run or ferry sink) before a cutover");
        }
        long min = marks.values().stream().mapToLong(Long::longValue).min().orElse(-1);
        if (rev - min > plan.maxLag()) {
            throw new FerryException("the sink is " + (rev - min) + " revisions behind etcd, more than --max-lag "
                    + plan.maxLag() + "; let it catch up first (ferry status)");
        }
        if (plan.rollbackPath() != null) {
            plan.rollbackPath().capture().check();
        }
        return "sink " + (rev - min) + " revisions behind";
    }

    private String preVerify(Reconciler reconciler, Plan plan, long r0) {
        ReconcileReport report = reconciler.reconcile(plan.prefixes(),
                ReconcileOptions.defaults().atRevision(r0).withWatermarkTimeout(plan.timeout()));
        if (report.verdict() != ReconcileReport.Verdict.CLEAN) {
            throw new FerryException("SQL differs from etcd at R0=" + r0 + " in " + report.differences().total()
                    + " keys " + report.counts() + "; run ferry reconcile --repair, then the cutover again");
        }
        return report.etcdKeys() + " keys equal";
    }

    /**
     * Waits for the probe in etcd, then for the sink to have applied it (etcd is still
     * authoritative), so that etcd and SQL hold the same row at the switch; returns its revision.
     */
    private long awaitProbe(RollbackPath path, byte[] probe, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<io.etcd.jetcd.KeyValue> kvs = etcd.getKVClient().get(ByteSequence.from(path.probeKey()))
                    .get(30, TimeUnit.SECONDS).getKvs();
            if (!kvs.isEmpty() && java.util.Arrays.equals(kvs.get(0).getValue().getBytes(), probe)) {
                long revision = kvs.get(0).getModRevision();
                drain(revision, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                return revision;
            }
            if (System.nanoTime() > deadline) {
                throw new FerryException("the rollback path did not carry its probe from SQL into etcd within "
                        + timeout.toSeconds() + " s, so a rollback after the switch could not work. Either no reverse writer "
                        + "runs for this deployment (ferry run, or ferry reverse, with this sink.jdbc and reverse.*), or it "
                        + "cannot read SQL's changes: its log and ferry status say why (TLS, credentials, REPLICATION; "
                        + "docs/security.md). Cut over again once it runs, or with --without-rollback");
            }
            Thread.sleep(50);
        }
    }

    private String drain(long f, Duration timeout) throws Exception {
        return SinkDrain.await(sql, "F", f, timeout, "");
    }

    /** Where the online rounds ended: the last round's revision and the keys still to compare at F. */
    private record Round(long revision, Set<ByteBuffer> suspects) {
    }

    /**
     * Verifies, while writers still write, the changes since the last verified revision, round
     * after round, until a round is short. Each round ends at a fence write whose event tells the
     * history watch it has seen everything before it. The final, frozen verification then covers
     * only the writes of the last short round, so the downtime follows the write rate, not the
     * data size or how long the full pre-verification took. A key that differs online may just
     * have changed again after the round's fence, so it is compared again in the next round.
     */
    private Round converge(Plan plan, long r0) throws Exception {
        Round round = new Round(r0, Set.of());
        for (int i = 1; i <= MAX_ROUNDS; i++) {
            long started = System.nanoTime();
            long fence = etcd.getKVClient().put(ByteSequence.from(plan.fenceKey()),
                    ByteSequence.from(Integer.toString(i), StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS)
                    .getHeader().getRevision();
            drain(fence, plan.timeout());
            IncrementalVerifier.Result r = new IncrementalVerifier(etcd.getKVClient(), etcd.getWatchClient(), sql)
                    .verify(plan.prefixes(), round.revision, plan.fenceKey(), fence, plan.timeout(), round.suspects);
            round = new Round(fence, r.differingKeys());
            if (System.nanoTime() - started < SHORT_ROUND.toNanos()) {
                break;
            }
        }
        return round;
    }

    private IncrementalVerifier.Result verify(Plan plan, Round online, long f) {
        IncrementalVerifier.Result result = new IncrementalVerifier(etcd.getKVClient(), etcd.getWatchClient(), sql)
                .verify(plan.prefixes(), online.revision, plan.markerKey(), f, plan.timeout(), online.suspects);
        if (!result.clean()) {
            throw new FerryException(result.differences().total() + " of the " + result.changedKeys()
                    + " keys changed in (R1, F] differ in SQL at F: " + result.differences().sample());
        }
        return result;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String digest(long r0, long f, long changed) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(("r0=" + r0 + ",f=" + f + ",changed=" + changed + ",clean=true")
                .getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d);
    }
}
