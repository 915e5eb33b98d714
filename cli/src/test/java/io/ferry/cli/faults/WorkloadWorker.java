package io.ferry.cli.faults;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.zip.CRC32;

/**
 * One writer of the workload. It owns a slice of the keys and keeps their etcd state (present,
 * create revision, version, lease) as etcd must have it, so it can both record exact history and
 * notice at once when etcd disagrees (a harness error, reported as such).
 */
final class WorkloadWorker {

    private static final int LARGE = 200 * 1024;
    private static final long LEASE_TTL_SECONDS = 3600;
    private static final int MAX_TXN_OPS = 128;

    private final int id;
    private final Client etcd;
    private final KV kv;
    private final KeyPool pool;
    private final History history;
    private final OpCounts counts;
    private final FaultSettings settings;
    private final Lock gate;
    private final Random rnd;
    private final List<Integer> keys = new ArrayList<>();
    private final List<Integer> blocks = new ArrayList<>();
    private final Deque<Long> leases = new ArrayDeque<>();
    private final boolean[] present;
    private final long[] createRevision;
    private final long[] version;
    private final long[] lease;
    private long seq;

    WorkloadWorker(int id, Client etcd, KeyPool pool, History history, OpCounts counts, FaultSettings settings, Lock gate) {
        this.id = id;
        this.etcd = etcd;
        this.kv = etcd.getKVClient();
        this.pool = pool;
        this.history = history;
        this.counts = counts;
        this.settings = settings;
        this.gate = gate;
        this.rnd = new Random(settings.seed() * 1_000_003L + id);
        for (int i = 0; i < pool.size(); i++) {
            if (pool.owner(i, settings.workers()) == id) {
                keys.add(i);
            }
        }
        for (int b = 0; b < pool.blocks(); b++) {
            if (pool.owner(b * KeyPool.BLOCK, settings.workers()) == id) {
                blocks.add(b);
            }
        }
        present = new boolean[pool.size()];
        createRevision = new long[pool.size()];
        version = new long[pool.size()];
        lease = new long[pool.size()];
    }

    /** Writes until {@code stop}, paced to {@code perSecond} key writes. */
    void run(double perSecond, AtomicBoolean stop) throws Exception {
        long t0 = System.nanoTime();
        long done = 0;
        for (long i = 0; i < 50_000_000L && !stop.get(); i++) {
            long now = System.nanoTime();
            long due = t0 + (long) (done / perSecond * 1e9);
            if (due > now) {
                Workload.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(due - now) + 1, 1000));
                continue;
            }
            gate.lock();
            try {
                done += step();
                counts.requests.incrementAndGet();
            } finally {
                gate.unlock();
            }
        }
    }

    private int step() throws Exception {
        int r = rnd.nextInt(100);
        if (r < 48) {
            return put(pick(), 0);
        } else if (r < 62) {
            return delete(pick());
        } else if (r < 82) {
            return txn();
        } else if (r < 88) {
            return rangeDelete();
        } else if (r < 97) {
            counts.leasePuts.incrementAndGet();
            return put(pick(), activeLease());
        } else {
            return revoke();
        }
    }

    private int put(int key, long leaseId) throws Exception {
        byte[] value = value(true);
        PutOption opt = leaseId == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(leaseId).build();
        long rev = kv.put(pool.bytes(key), ByteSequence.from(value), opt).get(60, TimeUnit.SECONDS).getHeader().getRevision();
        counts.puts.incrementAndGet();
        applyPut(key, rev, value, leaseId);
        return 1;
    }

    private int delete(int key) throws Exception {
        DeleteResponse resp = kv.delete(pool.bytes(key)).get(60, TimeUnit.SECONDS);
        expectDeleted(present[key] ? 1 : 0, resp.getDeleted(), "delete of " + KeyPool.show(pool.key(key)));
        counts.deletes.incrementAndGet();
        if (present[key]) {
            applyDelete(key, resp.getHeader().getRevision());
            return 1;
        }
        return 0;
    }

    private int txn() throws Exception {
        int n = rnd.nextInt(20) == 0 ? MAX_TXN_OPS : 2 + rnd.nextInt(15);
        List<Integer> chosen = new ArrayList<>(keys);
        Collections.shuffle(chosen, rnd);
        chosen = chosen.subList(0, Math.min(n, chosen.size()));
        Op[] ops = new Op[chosen.size()];
        byte[][] values = new byte[chosen.size()][];
        long[] leaseIds = new long[chosen.size()];
        for (int i = 0; i < ops.length; i++) {
            int key = chosen.get(i);
            if (rnd.nextInt(10) < 7) {
                values[i] = value(false);
                leaseIds[i] = rnd.nextInt(7) == 0 ? activeLease() : 0;
                PutOption opt = leaseIds[i] == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(leaseIds[i]).build();
                ops[i] = Op.put(pool.bytes(key), ByteSequence.from(values[i]), opt);
            } else {
                ops[i] = Op.delete(pool.bytes(key), DeleteOption.DEFAULT);
            }
        }
        TxnResponse resp = kv.txn().Then(ops).commit().get(60, TimeUnit.SECONDS);
        if (!resp.isSucceeded()) {
            throw new IllegalStateException("an unconditional etcd transaction reported failure");
        }
        long rev = resp.getHeader().getRevision();
        int writes = 0;
        for (int i = 0; i < ops.length; i++) {
            int key = chosen.get(i);
            if (values[i] != null) {
                applyPut(key, rev, values[i], leaseIds[i]);
                writes++;
            } else if (present[key]) {
                applyDelete(key, rev);
                writes++;
            }
        }
        counts.txns.incrementAndGet();
        counts.txnOps.addAndGet(ops.length);
        if (ops.length == MAX_TXN_OPS) {
            counts.maxTxns.incrementAndGet();
        }
        return writes;
    }

    private int rangeDelete() throws Exception {
        if (blocks.isEmpty()) {
            return 0;
        }
        int block = blocks.get(rnd.nextInt(blocks.size()));
        List<Integer> live = new ArrayList<>();
        for (int k = block * KeyPool.BLOCK; k < (block + 1) * KeyPool.BLOCK; k++) {
            if (present[k]) {
                live.add(k);
            }
        }
        ByteSequence prefix = pool.blockPrefix(block);
        DeleteResponse resp = kv.delete(prefix, DeleteOption.builder().isPrefix(true).build()).get(60, TimeUnit.SECONDS);
        expectDeleted(live.size(), resp.getDeleted(), "range delete of " + prefix.toString(StandardCharsets.US_ASCII));
        counts.rangeDeletes.incrementAndGet();
        for (int k : live) {
            applyDelete(k, resp.getHeader().getRevision());
        }
        return live.size();
    }

    private int revoke() throws Exception {
        if (leases.isEmpty()) {
            activeLease();
            return 0;
        }
        long id = leases.removeFirst();
        long rev = etcd.getLeaseClient().revoke(id).get(60, TimeUnit.SECONDS).getHeader().getRevision();
        counts.leaseRevokes.incrementAndGet();
        int writes = 0;
        // etcd deletes every key still attached to the lease, all at the revoke's revision.
        for (int k : keys) {
            if (present[k] && lease[k] == id) {
                applyDelete(k, rev);
                writes++;
            }
        }
        return writes;
    }

    /** One of this worker's leases (at most three live at a time), granted when there is none. */
    private long activeLease() throws Exception {
        if (leases.isEmpty() || (leases.size() < 3 && rnd.nextInt(20) == 0)) {
            leases.addLast(etcd.getLeaseClient().grant(LEASE_TTL_SECONDS).get(60, TimeUnit.SECONDS).getID());
        }
        List<Long> all = new ArrayList<>(leases);
        return all.get(rnd.nextInt(all.size()));
    }

    private int pick() {
        return keys.get(rnd.nextInt(keys.size()));
    }

    private byte[] value(boolean mayBeLarge) {
        if (mayBeLarge && rnd.nextInt(settings.largeEvery()) == 0) {
            byte[] big = new byte[LARGE];
            rnd.nextBytes(big);
            counts.largeValues.incrementAndGet();
            return big;
        }
        if (rnd.nextInt(33) == 0) {
            counts.emptyValues.incrementAndGet();
            return new byte[0];
        }
        if (rnd.nextBoolean()) {
            byte[] b = new byte[1 + rnd.nextInt(300)];
            rnd.nextBytes(b);
            return b;
        }
        return ("w" + id + "-" + (seq++) + "-" + "x".repeat(rnd.nextInt(200))).getBytes(StandardCharsets.UTF_8);
    }

    private void applyPut(int key, long rev, byte[] value, long leaseId) {
        if (!present[key]) {
            present[key] = true;
            createRevision[key] = rev;
            version[key] = 0;
        }
        version[key]++;
        lease[key] = leaseId;
        if (!pool.isText(key)) {
            counts.binaryKeyWrites.incrementAndGet();
        }
        history.record(key, new Write(rev, false, value.length, crc(value), createRevision[key], version[key], leaseId));
    }

    private void applyDelete(int key, long rev) {
        present[key] = false;
        lease[key] = 0;
        if (!pool.isText(key)) {
            counts.binaryKeyWrites.incrementAndGet();
        }
        history.record(key, Write.delete(rev));
    }

    static int crc(byte[] value) {
        CRC32 c = new CRC32();
        c.update(value);
        return (int) c.getValue();
    }

    private static void expectDeleted(long expected, long actual, String what) {
        if (expected != actual) {
            throw new IllegalStateException("etcd deleted " + actual + " keys in the " + what + ", the harness's model expected "
                    + expected + ": the history would be wrong");
        }
    }
}
