package io.ferry.cutover;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.reconciler.ContentComparer;
import io.ferry.reconciler.ProgressListener;
import io.ferry.reconciler.ReconcileOptions;
import io.ferry.reconciler.ReconcileReport;
import io.ferry.reconciler.Reconciler;
import io.ferry.reconciler.sql.SqlTable;
import io.ferry.reverse.Authority;
import io.ferry.reverse.ReverseCapture;
import io.ferry.reverse.ReverseTarget;
import io.ferry.state.CutoverPhase;
import io.ferry.state.CutoverRow;
import io.ferry.state.StateTables;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The way back after a switch: freeze SQL's writers, drain the reverse stream into etcd, make etcd
 * authoritative, let the sink catch up, check that etcd and SQL hold the same keys and values,
 * record the rollback in SQL (forward replication resumes), release the slot, and bring SQL's
 * revision columns back in line with etcd's through the sink. A failure before etcd's version key
 * is final undoes the freeze and leaves SQL authoritative. The downtime, from the freeze to the
 * record, is measured, stored and returned. Each step goes to a {@link StepListener}.
 */
public final class Rollback {

    /**
     * How to roll back.
     *
     * @param prefixes replicated prefixes
     * @param mode MARKER: the cutover row's phase ROLLING_BACK tells cooperating SQL writers to stop, then
     *     the reverse stream must go quiet; EXTERNAL: the operator has stopped them
     * @param versionKey etcd's record of which side is authoritative
     * @param positionKey the reverse writer's position in etcd
     * @param fenceKey the row written in SQL whose arrival in etcd ends the reverse stream
     * @param ownKeys Ferry's own keys, left out of the comparison
     * @param quiet how long the reverse stream must see no SQL change before the freeze is complete
     * @param timeout the limit for each waiting step
     * @param capture the rollback path's change capture, whose slot the rollback releases
     * @param fence writes the fence row in SQL
     */
    public record Plan(List<String> prefixes, FreezeMode mode, byte[] versionKey, byte[] positionKey, byte[] fenceKey,
                       List<byte[]> ownKeys, Duration quiet, Duration timeout, ReverseCapture capture, SqlFence fence) {

        /**
         * The rollback of the deployment {@code c} describes, SQL's writers stopped as {@code mode} says. Refused
         * at once on SQLite, which has no change stream and so no rollback path.
         */
        public static Plan of(FerryConfig c, FreezeMode mode) {
            CutoverConfig cc = CutoverConfig.of(c);
            ReverseCapture capture = new ReverseCapture(ReverseTarget.of(c), cc.reverseSlot());
            return new Plan(c.etcd().prefixes(), mode, bytes(cc.versionKey()), bytes(cc.reversePositionKey()),
                    bytes(cc.reverseFenceKey()), cc.ownKeys(), cc.quiet(), cc.timeout(), capture, SqlFence.of(c));
        }
    }

    /** A completed rollback: etcd authoritative from {@code revision}. */
    public record Outcome(long revision, long downtimeMs, long keys, long repaired) {
    }

    private final Client etcd;
    private final SqlTable sql;
    private final CutoverRecord record;
    private final ToLongFunction<ReconcileReport> repair;
    private final StepListener listener;

    /**
     * @param repair re-emits etcd's state of each differing key to the change topic (the sink's one write path);
     *     returns how many records it wrote
     */
    public Rollback(Client etcd, SqlTable sql, CutoverRecord record, ToLongFunction<ReconcileReport> repair,
                    StepListener listener) {
        this.etcd = etcd;
        this.sql = sql;
        this.record = record;
        this.repair = repair;
        this.listener = listener;
    }

    /**
     * Undoes a rollback interrupted before it recorded etcd as authoritative (phase rolling_back): etcd's version
     * key goes back to what the switch wrote, then the record, so that the reverse writer may write again and SQL
     * stays authoritative. Returns the cutover it was rolling back.
     */
    public static CutoverRow abort(Client etcd, CutoverConfig cc, CutoverRecord record) throws Exception {
        CutoverRow l = record.latest().filter(x -> x.phase() == CutoverPhase.ROLLING_BACK)
                .orElseThrow(() -> new FerryException("no rollback is in progress (phase rolling_back): nothing to abort"));
        etcd.getKVClient().put(ByteSequence.from(bytes(cc.versionKey())),
                ByteSequence.from(Authority.switched(l.freezeRevision(), l.digest()))).get(30, TimeUnit.SECONDS);
        record.rollbackFailed(l.id(), "aborted by ferry rollback --abort");
        return l;
    }

    public Outcome run(Plan plan) throws Exception {
        CutoverRow latest = record.latest().orElseThrow(() -> new FerryException(
                "no cutover was ever made against this database: there is nothing to roll back"));
        if (latest.phase() != CutoverPhase.SWITCHED) {
            throw new FerryException("the latest cutover is " + latest.phase().name().toLowerCase(java.util.Locale.ROOT)
                    + ", not switched: only a switched cutover can be rolled back"
                    + (latest.phase() == CutoverPhase.ROLLING_BACK ? " (a rollback is running, or was interrupted: "
                    + "ferry rollback --abort undoes it, then roll back again)" : ""));
        }
        byte[] sqlVersion = get(plan.versionKey());
        if (!Authority.sqlAuthoritative(sqlVersion)) {
            throw new FerryException("etcd's version key does not say SQL is authoritative; the cutover record does. "
                    + "Check " + new String(plan.versionKey(), StandardCharsets.UTF_8) + " before going on");
        }
        Steps steps = new Steps(listener, 7);
        long id = latest.id();
        long started = System.nanoTime();
        record.rollingBack(id);
        boolean etcdAuthoritative = false;
        try {
            steps.run("freeze SQL writers (" + plan.mode().name().toLowerCase(java.util.Locale.ROOT) + ")", () -> {
                if (plan.mode() == FreezeMode.MARKER) {
                    awaitQuietStream(plan);
                }
                return "";
            });
            long drained = steps.run("drain the reverse stream into etcd", () -> drain(plan, id));
            steps.note("every SQL change up to the fence is in etcd (revision " + drained + ")");
            long rb = steps.run("mark etcd authoritative", () -> etcd.getKVClient().put(ByteSequence.from(plan.versionKey()),
                    ByteSequence.from(Authority.rolledBack(latest.freezeRevision(), System.currentTimeMillis())))
                    .get(30, TimeUnit.SECONDS).getHeader().getRevision());
            etcdAuthoritative = true;
            steps.note("RB = " + rb + "; the reverse writer can no longer write");
            steps.run("drain the sink: every partition's watermark >= RB", () -> drainSink(rb, plan.timeout()));
            ContentComparer.Result same = steps.run("verify: etcd at RB equals SQL (keys and values)",
                    () -> verify(plan, rb));
            long downtimeMs = steps.run("etcd authoritative: record in SQL, release the slot", () -> {
                long ms = (System.nanoTime() - started) / 1_000_000;
                record.rolledBack(id, rb, ms);
                plan.capture().release();
                return ms;
            });
            long repaired = steps.run("align SQL's revision columns with etcd (through the sink)", () -> align(plan));
            return new Outcome(rb, downtimeMs, same.etcdKeys(), repaired);
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            if (record.latest().map(l -> l.phase() == CutoverPhase.ROLLED_BACK).orElse(false)) {
                throw new FerryException("the rollback is recorded and etcd is authoritative, but a last step failed: " + reason
                        + ". Run ferry reconcile --repair until it is clean.", e);
            }
            if (etcdAuthoritative) {
                etcd.getKVClient().put(ByteSequence.from(plan.versionKey()), ByteSequence.from(sqlVersion)).get(30, TimeUnit.SECONDS);
            }
            record.rollbackFailed(id, reason);
            throw new FerryException("rollback aborted, SQL stays authoritative and its writers may resume: " + reason, e);
        }
    }

    /** Waits until the reverse writer has copied no SQL change for {@code quiet}: the writers have stopped. */
    private void awaitQuietStream(Plan plan) throws Exception {
        long deadline = System.nanoTime() + plan.timeout().toNanos();
        long last = modRevision(plan.positionKey());
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < plan.quiet().toNanos()) {
            if (System.nanoTime() > deadline) {
                throw new FerryException("SQL's writers did not stop within " + plan.timeout().toSeconds() + " s (the reverse "
                        + "stream kept bringing changes). Stop them (they should watch " + StateTables.CUTOVER
                        + "'s phase) and try again.");
            }
            Thread.sleep(50);
            long now = modRevision(plan.positionKey());
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /** Writes the fence row in SQL and waits for it in etcd; returns the revision it arrived at. */
    private long drain(Plan plan, long id) throws Exception {
        byte[] value = ("rollback of cutover " + id + " at " + System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8);
        plan.fence().write(plan.fenceKey(), value);
        long deadline = System.nanoTime() + plan.timeout().toNanos();
        while (true) {
            List<KeyValue> kvs = etcd.getKVClient().get(ByteSequence.from(plan.fenceKey())).get(30, TimeUnit.SECONDS).getKvs();
            if (!kvs.isEmpty() && Arrays.equals(kvs.get(0).getValue().getBytes(), value)) {
                return kvs.get(0).getModRevision();
            }
            if (System.nanoTime() > deadline) {
                throw new FerryException("the fence written in SQL did not reach etcd within " + plan.timeout().toSeconds()
                        + " s: is reverse replication running (ferry reverse, or ferry run)? ferry status shows it");
            }
            Thread.sleep(20);
        }
    }

    private String drainSink(long rb, Duration timeout) throws Exception {
        return SinkDrain.await(sql, "RB", rb, timeout, "; is it running?");
    }

    private ContentComparer.Result verify(Plan plan, long rb) {
        ContentComparer.Result r = new ContentComparer(etcd.getKVClient(), sql, plan.ownKeys()).compare(plan.prefixes(), rb);
        if (!r.clean()) {
            throw new FerryException(r.differences() + " keys differ between etcd at RB=" + rb + " and SQL: " + r.sample()
                    + ". Reverse replication missed or could not copy them (ferry reverse's log says why)");
        }
        return r;
    }

    /**
     * SQL's revision columns still hold what applications wrote during the bake period. The full
     * reconciler finds each such row; its repair re-emits etcd's state through the sink, which
     * applies etcd's changes again now that the record says so. Repeated until it comes back clean.
     */
    private long align(Plan plan) throws Exception {
        Reconciler reconciler = new Reconciler(etcd.getKVClient(), sql, ProgressListener.NONE);
        long deadline = System.nanoTime() + plan.timeout().toNanos();
        long repaired = 0;
        while (true) {
            ReconcileReport report = reconciler.reconcile(plan.prefixes(),
                    ReconcileOptions.defaults().withWatermarkTimeout(plan.timeout()));
            if (report.verdict() == ReconcileReport.Verdict.CLEAN) {
                return repaired;
            }
            if (System.nanoTime() > deadline) {
                throw new FerryException(report.differences().total() + " rows still differ from etcd " + report.counts());
            }
            // Re-emitting a key twice is harmless: the sink applies etcd's one state of it.
            repaired = Math.max(repaired, report.differences().total());
            repair.applyAsLong(report);
            Thread.sleep(1000);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] get(byte[] key) throws Exception {
        List<KeyValue> kvs = etcd.getKVClient().get(ByteSequence.from(key)).get(30, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0).getValue().getBytes();
    }

    private long modRevision(byte[] key) throws Exception {
        List<KeyValue> kvs = etcd.getKVClient().get(ByteSequence.from(key)).get(30, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? 0 : kvs.get(0).getModRevision();
    }
}
