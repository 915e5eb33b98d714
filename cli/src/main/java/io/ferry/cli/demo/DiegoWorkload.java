package io.ferry.cli.demo;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.ferry.cli.demo.proto.DesiredLrpSchedule;
import io.ferry.values.BbsWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Diego BBS-style keyspace (../shared/design/SAMPLE-WORKLOAD.md): desired LRPs with small
 * schedule and larger run values, many hot actual instances, tasks that are created, completed
 * and deleted, and domains bound to a lease. The schedules are stored as the BBS stores its
 * models: the demo's own protobuf message ({@code diego_demo.proto}) behind the BBS encoding and
 * envelope, one in ten sealed with the demo's key, a few sealed with a retired key the demo no
 * longer has, a few not BBS values at all. A few task results are not JSON, as encrypted values in
 * such systems are not, so the binary path is exercised too.
 */
public final class DiegoWorkload {

    public static final String ROOT = "/v1/";
    private static final int INSTANCES_PER_LRP = 4;
    private static final int BATCH = 120; // etcd refuses more than 128 operations in one transaction
    private static final int IN_FLIGHT = 8;

    private final KV kv;
    private final Lease lease;
    private final int lrps;
    private final int tasks;
    /** The label of the key the demo seals with, and of the retired one whose passphrase it no longer has. */
    public static final String KEY_LABEL = "demo-2026";
    private static final String RETIRED_LABEL = "demo-2023";

    private final String passphrase;
    private final Random random = new Random(42);
    private final AtomicLong writes = new AtomicLong();
    private int nextTask;

    /** A keyspace of about {@code keys} keys: 60% LRPs (schedule, run, instances), the rest tasks. */
    public DiegoWorkload(KV kv, Lease lease, int keys, String passphrase) {
        this.kv = kv;
        this.passphrase = passphrase;
        this.lease = lease;
        this.lrps = Math.max(1, keys * 6 / 10 / (2 + INSTANCES_PER_LRP));
        this.tasks = Math.max(1, keys - lrps * (2 + INSTANCES_PER_LRP));
        this.nextTask = tasks;
    }

    /** Writes the initial keyspace in pipelined multi-key transactions; returns the number of keys. */
    public long load() throws Exception {
        long ttlLease = lease.grant(600).get(30, TimeUnit.SECONDS).getID();
        List<Op> ops = new ArrayList<>();
        for (String domain : List.of("cf-apps", "cf-tasks")) {
            ops.add(Op.put(bytes(ROOT + "domain/" + domain), bytes("{\"name\":\"" + domain + "\"}"),
                    PutOption.builder().withLeaseId(ttlLease).build()));
        }
        Deque<CompletableFuture<?>> inFlight = new ArrayDeque<>();
        long keys = ops.size();
        for (int i = 0; i < lrps; i++) {
            ops.add(Op.put(bytes(ROOT + "desired_lrp/schedule/" + lrpGuid(i)), ByteSequence.from(schedule(i, 1)),
                    PutOption.DEFAULT));
            ops.add(put(ROOT + "desired_lrp/run/" + lrpGuid(i), runInfo(i)));
            for (int j = 0; j < INSTANCES_PER_LRP; j++) {
                ops.add(put(instanceKey(i, j), instance(i, j, "RUNNING")));
            }
            keys += 2 + INSTANCES_PER_LRP;
            flushIfFull(ops, inFlight);
        }
        for (int t = 0; t < tasks; t++) {
            ops.add(put(taskKey(t), task(t, "PENDING")));
            keys++;
            flushIfFull(ops, inFlight);
        }
        commit(ops, inFlight);
        for (CompletableFuture<?> f : inFlight) {
            f.get(60, TimeUnit.SECONDS);
        }
        return keys;
    }

    /**
     * Keeps writing, about {@code perSecond} operations a second, the way Diego's components do,
     * until {@code stop} says so. A cooperating writer checks the freeze marker this way.
     */
    public void writeUntil(int perSecond, java.util.function.BooleanSupplier stop) throws Exception {
        long pauseNanos = 1_000_000_000L / Math.max(1, perSecond);
        long next = System.nanoTime();
        while (!stop.getAsBoolean()) {
            writeOne();
            writes.incrementAndGet();
            next += pauseNanos;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
        }
    }

    public long writes() {
        return writes.get();
    }

    private void writeOne() throws Exception {
        int dice = random.nextInt(100);
        int lrp = random.nextInt(lrps);
        int index = random.nextInt(INSTANCES_PER_LRP);
        if (dice < 60) {
            // Hot path: an instance moves between cells or changes state.
            String state = random.nextBoolean() ? "RUNNING" : "CLAIMED";
            kv.put(bytes(instanceKey(lrp, index)), bytes(instance(lrp, index, state))).get(30, TimeUnit.SECONDS);
        } else if (dice < 75) {
            kv.put(bytes(taskKey(nextTask)), bytes(task(nextTask, "PENDING"))).get(30, TimeUnit.SECONDS);
            nextTask++;
        } else if (dice < 85) {
            // A cell claims an instance and completes a task in one transaction.
            int t = random.nextInt(nextTask);
            kv.txn().Then(put(instanceKey(lrp, index), instance(lrp, index, "CLAIMED")), put(taskKey(t), task(t, "COMPLETED")))
                    .commit().get(30, TimeUnit.SECONDS);
        } else if (dice < 95) {
            kv.delete(bytes(taskKey(random.nextInt(nextTask)))).get(30, TimeUnit.SECONDS);
        } else {
            kv.put(bytes(ROOT + "desired_lrp/schedule/" + lrpGuid(lrp)), ByteSequence.from(schedule(lrp, 2 + random.nextInt(5))))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private void flushIfFull(List<Op> ops, Deque<CompletableFuture<?>> inFlight) throws Exception {
        if (ops.size() >= BATCH) {
            commit(ops, inFlight);
        }
    }

    private void commit(List<Op> ops, Deque<CompletableFuture<?>> inFlight) throws Exception {
        if (ops.isEmpty()) {
            return;
        }
        inFlight.add(kv.txn().Then(ops.toArray(new Op[0])).commit());
        ops.clear();
        if (inFlight.size() >= IN_FLIGHT) {
            inFlight.removeFirst().get(60, TimeUnit.SECONDS);
        }
    }

    private static String lrpGuid(int i) {
        return String.format("%08x-lrp-%05d", i * 2654435761L & 0xffffffffL, i);
    }

    private static String instanceKey(int lrp, int index) {
        return ROOT + "actual/" + lrpGuid(lrp) + "/" + index + "/instance";
    }

    private static String taskKey(int t) {
        return String.format("%stask/%08x-task-%06d", ROOT, t * 40503L & 0xffffffffL, t);
    }

    /** A desired LRP's schedule as the BBS stores it; a few sealed, a few sealed with a key gone, a few not BBS at all. */
    private byte[] schedule(int i, int modificationIndex) {
        if (i % 40 == 13) {
            return ("9z not a BBS value " + i).getBytes(StandardCharsets.US_ASCII);
        }
        byte[] model = DesiredLrpSchedule.newBuilder().setProcessGuid(lrpGuid(i)).setDomain("cf-apps")
                .setInstances(INSTANCES_PER_LRP).setMemoryMb(256 << (i % 4)).setDiskMb(1024)
                .addRoutes("app-" + i + ".example.internal").setModificationIndex(modificationIndex).build().toByteArray();
        byte[] enveloped = BbsWriter.envelope(BbsWriter.PROTO, 0, model);
        if (i % 60 == 17) {
            return BbsWriter.sealed(enveloped, RETIRED_LABEL, "a passphrase the demo no longer has", BbsWriter.nonce(i));
        }
        return i % 10 == 3 ? BbsWriter.sealed(enveloped, KEY_LABEL, passphrase, BbsWriter.nonce(i)) : BbsWriter.unencoded(enveloped);
    }

    private static String runInfo(int i) {
        return "{\"process_guid\":\"" + lrpGuid(i) + "\",\"start_command\":\"/home/vcap/app/bin/start --port $PORT\","
                + "\"env\":{\"JAVA_OPTS\":\"-Xmx512m\",\"VCAP_APPLICATION\":\"" + "x".repeat(900) + "\"},\"ports\":[8080]}";
    }

    private String instance(int lrp, int index, String state) {
        return "{\"process_guid\":\"" + lrpGuid(lrp) + "\",\"index\":" + index + ",\"cell_id\":\"cell-" + random.nextInt(20)
                + "\",\"state\":\"" + state + "\",\"since\":" + System.currentTimeMillis() + "}";
    }

    private static String task(int t, String state) {
        if (t % 50 == 7) {
            // An encrypted result with a format prefix: not JSON, not even UTF-8.
            byte[] b = ("\u0001enc:" + t).getBytes(StandardCharsets.ISO_8859_1);
            b[b.length - 1] = (byte) 0xff;
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        return "{\"task_guid\":\"task-" + t + "\",\"domain\":\"cf-tasks\",\"state\":\"" + state + "\"}";
    }

    private static Op put(String key, String value) {
        return Op.put(bytes(key), bytes(value), PutOption.DEFAULT);
    }

    private static ByteSequence bytes(String s) {
        // ISO-8859-1 keeps the non-UTF-8 sample values byte for byte; everything else is ASCII.
        return ByteSequence.from(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
