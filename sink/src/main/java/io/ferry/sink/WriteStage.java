package io.ferry.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The SQL half of the sink's pipeline: one or more writer threads ({@code ferry-sink-writer}, or
 * {@code ferry-sink-writer-1} to {@code -N}), each running at most one write at a time, while the
 * consumer thread polls, decodes and plans the next batch. The consumer thread hands each writer its
 * share of a batch, then {@link #await awaits} them all before it hands over the next batch's shares,
 * so a writer's writes, and so each partition's batches, still commit one after another, in poll order.
 *
 * <p>Used only from the consumer thread. The writer threads never touch the Kafka consumer.
 *
 * @param <T> what a write returns
 */
final class WriteStage<T> implements AutoCloseable {

    private final List<ExecutorService> writers = new ArrayList<>();
    /** Per writer, its write in flight, or null. */
    private final List<Future<T>> inFlight = new ArrayList<>();

    WriteStage(String threadName, int writers) {
        for (int i = 0; i < writers; i++) {
            String name = writers == 1 ? threadName : threadName + "-" + (i + 1);
            this.writers.add(Executors.newSingleThreadExecutor(r -> new Thread(r, name)));
            inFlight.add(null);
        }
    }

    /** How many writer threads the stage has. */
    int writers() {
        return writers.size();
    }

    /** Starts {@code write} on writer {@code writer}, whose previous write must have been awaited. */
    void submit(int writer, Callable<T> write) {
        if (inFlight.get(writer) != null) {
            throw new IllegalStateException("writer " + writer + " still has a write in flight; await it before "
                    + "submitting the next");
        }
        inFlight.set(writer, writers.get(writer).submit(write));
    }

    /**
     * Waits for every write in flight and returns their results in writer order: empty when none was
     * in flight. When writes failed, the first one's exception is rethrown here, on the consumer
     * thread, as it was thrown, once every other write has ended too (the others' failures are
     * suppressed in it): nothing is left in flight behind a failure.
     */
    List<T> await() {
        List<T> results = new ArrayList<>();
        Throwable failure = null;
        for (int i = 0; i < inFlight.size(); i++) {
            Future<T> f = inFlight.get(i);
            if (f == null) {
                continue;
            }
            inFlight.set(i, null);
            try {
                results.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                forgetAll();
                // The writes go on and commit or roll back by themselves; the offsets in SQL say which.
                throw new SinkException("interrupted while waiting for a batch's SQL write", e);
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                } else {
                    failure.addSuppressed(e.getCause());
                }
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new SinkException("a batch's SQL write failed: " + failure.getMessage(), failure);
        }
        return results;
    }

    private void forgetAll() {
        for (int i = 0; i < inFlight.size(); i++) {
            inFlight.set(i, null);
        }
    }

    /**
     * Stops the writer threads once their writes in flight, if any, end; waits at most five seconds
     * in all. The consumer thread awaits its last writes before it closes, so normally nothing is left.
     */
    @Override
    public void close() {
        writers.forEach(ExecutorService::shutdown);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            for (ExecutorService writer : writers) {
                writer.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forgetAll();
    }
}
