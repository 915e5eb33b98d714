package io.ferry.sink;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The SQL half of the sink's pipeline: the {@code ferry-sink-writer} thread runs one write at a
 * time, while the consumer thread polls, decodes and plans the next batch. At most one write is in
 * flight, and the next is handed over only after the consumer thread has {@link #await awaited}
 * it, so batches still commit one after another, in poll order.
 *
 * <p>Used only from the consumer thread. The writer thread never touches the Kafka consumer.
 *
 * @param <T> what a write returns
 */
final class WriteStage<T> implements AutoCloseable {

    private final ExecutorService writer;
    private Future<T> inFlight;

    WriteStage(String threadName) {
        this.writer = Executors.newSingleThreadExecutor(r -> new Thread(r, threadName));
    }

    /** Starts {@code write} on the writer thread; the previous write must have been awaited. */
    void submit(Callable<T> write) {
        if (inFlight != null) {
            throw new IllegalStateException("a write is still in flight; await it before submitting the next");
        }
        inFlight = writer.submit(write);
    }

    /**
     * Waits for the write in flight and returns its result, or null when there is none. A write
     * that failed rethrows its exception here, on the consumer thread, as it was thrown.
     */
    T await() {
        if (inFlight == null) {
            return null;
        }
        Future<T> f = inFlight;
        inFlight = null;
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // The write goes on and commits or rolls back by itself; the offsets in SQL say which.
            throw new SinkException("interrupted while waiting for a batch's SQL write", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new SinkException("a batch's SQL write failed: " + cause.getMessage(), cause);
        }
    }

    /**
     * Stops the writer thread once the write in flight, if any, ends; waits at most five seconds.
     * The consumer thread awaits its last write before it closes, so normally nothing is left.
     */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inFlight = null;
    }
}
