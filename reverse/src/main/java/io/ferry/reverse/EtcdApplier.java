package io.ferry.reverse;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.ferry.core.FerryException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Writes SQL's changes into etcd, exactly once. Each etcd transaction carries a run of changes and
 * the new position, and holds only if (1) etcd's version key still says SQL is authoritative, byte
 * for byte as the writer found it, and (2) nobody else moved the position since this writer last
 * wrote it. The first makes {@code ferry rollback}'s flip of the version key a fence no later
 * reverse write can cross; the second keeps a second, forgotten writer from interleaving. Before a
 * switch (the cutover's probe) the version key may not exist yet: then it must still not exist.
 */
final class EtcdApplier {

    /** etcd refuses transactions over 128 operations (--max-txn-ops); one is the position. */
    static final int MAX_CHANGES_PER_TXN = 100;
    /** ... and requests over 1.5 MiB (--max-request-bytes). */
    static final int MAX_BYTES_PER_TXN = 1024 * 1024;

    /** Why a transaction did not hold. */
    enum Outcome { APPLIED, FENCED }

    private final KV kv;
    private final ByteSequence versionKey;
    private final ByteSequence expectedVersion;
    private final ByteSequence positionKey;
    private long positionRevision;
    private ReversePosition position;

    EtcdApplier(KV kv, byte[] versionKey, byte[] expectedVersion, byte[] positionKey, ReversePosition position,
                long positionRevision) {
        this.kv = kv;
        this.versionKey = ByteSequence.from(versionKey);
        this.expectedVersion = expectedVersion == null ? null : ByteSequence.from(expectedVersion);
        this.positionKey = ByteSequence.from(positionKey);
        this.position = position;
        this.positionRevision = positionRevision;
    }

    ReversePosition position() {
        return position;
    }

    /**
     * Applies the changes in order, in as few transactions as etcd's limits allow. Stops at the
     * first transaction that does not hold and says so; the ones before it stay applied.
     *
     * @param done told the number of changes applied so far, after each transaction commits
     */
    Outcome apply(List<SqlChange> changes, java.util.function.IntConsumer done) throws Exception {
        return apply(changes, done, true);
    }

    /**
     * The cutover's probe: written like a change, and the position moves past it, but it is Ferry's
     * own row, not one of the changes since the switch that the position counts.
     */
    Outcome applyProbe(SqlChange probe) throws Exception {
        return apply(List.of(probe), n -> { }, false);
    }

    private Outcome apply(List<SqlChange> changes, java.util.function.IntConsumer done, boolean counted) throws Exception {
        int from = 0;
        while (from < changes.size()) {
            int to = chunkEnd(changes, from);
            if (!commit(changes.subList(from, to), counted)) {
                return Outcome.FENCED;
            }
            from = to;
            done.accept(from);
        }
        return Outcome.APPLIED;
    }

    /** The end of the longest run from {@code from} within etcd's limits, and with no key twice (etcd refuses that). */
    private static int chunkEnd(List<SqlChange> changes, int from) {
        Set<ByteBuffer> keys = new HashSet<>();
        long bytes = 0;
        int i = from;
        while (i < changes.size() && i - from < MAX_CHANGES_PER_TXN) {
            SqlChange c = changes.get(i);
            long size = c.key().length + (c.value() == null ? 0 : c.value().length) + 64L;
            if (!keys.add(ByteBuffer.wrap(c.key())) || (i > from && bytes + size > MAX_BYTES_PER_TXN)) {
                break;
            }
            bytes += size;
            i++;
        }
        return i;
    }

    private boolean commit(List<SqlChange> run, boolean counted) throws Exception {
        ReversePosition next = position.after(run.get(run.size() - 1), counted ? run.size() : 0);
        List<Op> ops = new ArrayList<>(run.size() + 1);
        for (SqlChange c : run) {
            ops.add(c.isDelete() ? Op.delete(ByteSequence.from(c.key()), DeleteOption.DEFAULT)
                    : Op.put(ByteSequence.from(c.key()), ByteSequence.from(c.value()), PutOption.DEFAULT));
        }
        ops.add(Op.put(positionKey, ByteSequence.from(next.toJson()), PutOption.DEFAULT));
        TxnResponse r = kv.txn()
                .If(expectedVersion == null ? new Cmp(versionKey, Cmp.Op.EQUAL, CmpTarget.version(0))
                                : new Cmp(versionKey, Cmp.Op.EQUAL, CmpTarget.value(expectedVersion)),
                        new Cmp(positionKey, Cmp.Op.EQUAL, CmpTarget.modRevision(positionRevision)))
                .Then(ops.toArray(Op[]::new))
                .commit().get(30, TimeUnit.SECONDS);
        if (!r.isSucceeded()) {
            return false;
        }
        position = next;
        positionRevision = r.getHeader().getRevision();
        return true;
    }

    /** Explains a transaction that did not hold, from what etcd holds now. */
    String whyFenced() {
        try {
            var version = kv.get(versionKey).get(30, TimeUnit.SECONDS);
            boolean same = expectedVersion == null ? version.getKvs().isEmpty()
                    : !version.getKvs().isEmpty() && version.getKvs().get(0).getValue().equals(expectedVersion);
            if (!same) {
                return expectedVersion == null ? "etcd's version key was written meanwhile, so the probe is not carried"
                        : "etcd's version key changed: etcd is authoritative again (a rollback), so the reverse writer stops";
            }
            return "the position key moved under this writer: another ferry reverse is writing the same deployment;"
                    + " run only one";
        } catch (Exception e) {
            throw new FerryException("reading etcd after a reverse transaction did not hold failed: " + e.getMessage(), e);
        }
    }
}
