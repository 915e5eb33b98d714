package io.ferry.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Samples, on its own thread, how far Kafka holds the watcher's changes ({@link CheckpointProbe},
 * whose consumer stays on that thread), and the lag in revisions behind the newest revision etcd
 * has acknowledged to the load generator. Optionally feeds a {@link LagRecorder} for the
 * ack-to-Kafka times.
 */
final class DeliveredSampler implements AutoCloseable {

    /** A delivered revision and when the sampler first saw it (nanoTime). */
    private record Seen(long revision, long nanos) {
    }

    private final CheckpointProbe probe;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong head = new AtomicLong(-1);
    private final AtomicReference<Seen> delivered = new AtomicReference<>(new Seen(-1, 0));
    private final List<long[]> lagSamples = new ArrayList<>();
    private final Thread thread;
    private volatile LagRecorder recorder;
    private volatile RuntimeException failure;

    DeliveredSampler(CheckpointProbe probe) {
        this.probe = probe;
        this.thread = new Thread(this::loop, "bench-kafka-sampler");
        thread.start();
    }

    private void loop() {
        try (CheckpointProbe p = probe) {
            while (running.get()) {
                // poll returns as soon as a fetch brings a checkpoint; the timeout only bounds an idle
                // wait, and a short one made this thread spin (8% of the bench JVM's samples in a profile).
                long rev = p.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                if (rev > delivered.get().revision()) {
                    delivered.set(new Seen(rev, now));
                }
                LagRecorder r = recorder;
                long h = head.get();
                if (r != null && rev >= 0) {
                    r.sample(now, rev);
                    if (h >= 0) {
                        synchronized (lagSamples) {
                            lagSamples.add(new long[] {now, Math.max(0, h - rev)});
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** etcd acknowledged {@code revision} to the load generator. */
    void acked(long revision) {
        head.accumulateAndGet(revision, Math::max);
    }

    /** From now on feed {@code r} (null: stop feeding) and record the lag in revisions. */
    void recordInto(LagRecorder r) {
        recorder = r;
    }

    long delivered() {
        return delivered.get().revision();
    }

    /** Waits until Kafka holds {@code revision}; returns when the sampler first saw it (nanoTime). */
    long await(long revision, FerryPipeline watcher, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Seen seen = delivered.get();
            if (seen.revision() >= revision) {
                return seen.nanos();
            }
            if (failure != null) {
                throw new IllegalStateException("reading the checkpoint from Kafka failed: " + failure, failure);
            }
            watcher.check();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka did not hold etcd revision " + revision + " within "
                        + limit.toSeconds() + " s (delivered: " + seen.revision() + ")");
            }
            Thread.sleep(2); // reads what the sampler saw; the sampler's own time is the measurement
        }
    }

    long maxLag() {
        synchronized (lagSamples) {
            return lagSamples.stream().mapToLong(s -> s[1]).max().orElse(0);
        }
    }

    /** The largest lag in each second since {@code start}, to show whether it stays bounded. */
    List<Long> maxLagPerSecond(long start) {
        List<Long> out = new ArrayList<>();
        synchronized (lagSamples) {
            for (long[] s : lagSamples) {
                int second = (int) Math.max(0, (s[0] - start) / 1_000_000_000L);
                while (out.size() <= second) {
                    out.add(0L);
                }
                out.set(second, Math.max(out.get(second), s[1]));
            }
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
