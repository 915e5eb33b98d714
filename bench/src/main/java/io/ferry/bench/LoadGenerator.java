package io.ferry.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link LoadProfile} into etcd with jetcd: single puts, deletes and multi-key
 * transactions, paced to a rate, with a bounded number of writes awaiting etcd's answer.
 *
 * <p>Pacing is open-loop: operation i is due at {@code start + i / rate}, so a slow answer does
 * not lower the offered rate (it only uses up the in-flight allowance). When the allowance is
 * used up the generator waits, and the achieved rate in the {@link LoadReport} shows it.
 */
final class LoadGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
    private static final long DRAIN_LIMIT_S = 60;

    private final KV kv;

    LoadGenerator(KV kv) {
        this.kv = kv;
    }

    LoadReport run(LoadProfile p, AckListener listener) throws InterruptedException {
        KeySpace keys = new KeySpace(p.prefix(), p.binaryKeys(), p.valueBytes());
        SplittableRandom random = new SplittableRandom(p.seed());
        Semaphore inFlight = new Semaphore(p.inFlight());
        AtomicLong ops = new AtomicLong();
        AtomicLong keysWritten = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong firstRevision = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastRevision = new AtomicLong();
        AtomicLong lastAck = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + p.maxDuration().toNanos();
        double nanosPerOp = p.ratePerSecond() > 0 ? 1e9 / p.ratePerSecond() : 0;
        int nextSequential = 0;
        long serial = 0;
        for (long i = 0; i < p.maxOps() && System.nanoTime() < deadline; i++) {
            if (nanosPerOp > 0) {
                long due = start + (long) (i * nanosPerOp);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            double pick = random.nextDouble();
            int width;
            CompletableFuture<Long> answer;
            if (p.sequential() || pick < p.txnRatio()) {
                width = p.sequential() ? Math.min(p.txnKeys(), p.keyCount() - nextSequential) : p.txnKeys();
                if (width <= 0) {
                    inFlight.release();
                    break;
                }
                Txn txn = kv.txn();
                Op[] puts = new Op[width];
                int[] indices = p.sequential() ? null : distinct(random, width, p.keyCount());
                for (int k = 0; k < width; k++) {
                    int index = p.sequential() ? nextSequential++ : indices[k];
                    puts[k] = Op.put(ByteSequence.from(keys.key(index)), ByteSequence.from(keys.value(serial++)),
                            PutOption.DEFAULT);
                }
                answer = txn.Then(puts).commit().thenApply(r -> r.getHeader().getRevision());
            } else if (pick < p.txnRatio() + p.deleteRatio()) {
                width = 1;
                answer = kv.delete(ByteSequence.from(keys.key(random.nextInt(p.keyCount()))), DeleteOption.DEFAULT)
                        .thenApply(r -> r.getHeader().getRevision());
            } else {
                width = 1;
                answer = kv.put(ByteSequence.from(keys.key(random.nextInt(p.keyCount()))),
                        ByteSequence.from(keys.value(serial++))).thenApply(r -> r.getHeader().getRevision());
            }
            int written = width;
            answer.whenComplete((revision, error) -> {
                long now = System.nanoTime();
                if (error != null) {
                    if (failed.getAndIncrement() < 3) {
                        LOG.warn("etcd refused a write of the load: {}", error.toString());
                    }
                } else {
                    ops.incrementAndGet();
                    keysWritten.addAndGet(written);
                    firstRevision.accumulateAndGet(revision, Math::min);
                    lastRevision.accumulateAndGet(revision, Math::max);
                    listener.acked(revision, now);
                }
                lastAck.accumulateAndGet(now, Math::max);
                inFlight.release();
            });
        }
        if (!inFlight.tryAcquire(p.inFlight(), DRAIN_LIMIT_S, TimeUnit.SECONDS)) {
            LOG.warn("{} writes of the load were still unanswered after {} s; reporting without them",
                    p.inFlight() - inFlight.availablePermits(), DRAIN_LIMIT_S);
        }
        double seconds = (Math.max(lastAck.get(), start) - start) / 1e9;
        long first = firstRevision.get() == Long.MAX_VALUE ? 0 : firstRevision.get();
        return new LoadReport(ops.get(), keysWritten.get(), failed.get(), seconds, first, lastRevision.get());
    }

    /**
     * {@code n} different key indices below {@code bound}: etcd refuses a transaction that puts
     * the same key twice ("duplicate key given in txn request").
     */
    static int[] distinct(SplittableRandom random, int n, int bound) {
        int[] picked = new int[n];
        for (int k = 0; k < n; k++) {
            int candidate;
            boolean seen;
            do {
                candidate = random.nextInt(bound);
                seen = false;
                for (int j = 0; j < k && !seen; j++) {
                    seen = picked[j] == candidate;
                }
            } while (seen);
            picked[k] = candidate;
        }
        return picked;
    }
}
