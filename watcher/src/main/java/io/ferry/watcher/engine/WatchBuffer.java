package io.ferry.watcher.engine;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.watch.WatchEvent;
import io.ferry.core.config.WatcherConfig;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The watch items between jetcd's callback (one thread, {@link #offer}) and the producer thread
 * ({@link #poll}), bounded in items and in bytes. An item weighs its events' keys and values plus
 * {@value WatcherConfig#QUEUE_EVENT_OVERHEAD_BYTES} bytes each; an item heavier than the whole
 * budget weighs the budget, so it passes once the buffer is empty instead of never.
 */
final class WatchBuffer {

    private static final int PROGRESS_WEIGHT = WatcherConfig.QUEUE_EVENT_OVERHEAD_BYTES;

    private final LinkedBlockingQueue<StreamItem> items;
    private final Semaphore bytes;
    private final int maxBytes;

    WatchBuffer(int maxItems, int maxBytes) {
        this.items = new LinkedBlockingQueue<>(maxItems);
        this.bytes = new Semaphore(maxBytes);
        this.maxBytes = maxBytes;
    }

    /** Waits up to {@code timeout} for room; false when there was none. */
    boolean offer(StreamItem item, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        int weight = weight(item);
        if (!bytes.tryAcquire(weight, timeout, unit)) {
            return false;
        }
        if (!items.offer(item, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            bytes.release(weight);
            return false;
        }
        return true;
    }

    /** The oldest item, waiting up to {@code timeout} for one; null when none came. */
    StreamItem poll(long timeout, TimeUnit unit) throws InterruptedException {
        StreamItem item = items.poll(timeout, unit);
        if (item != null) {
            bytes.release(weight(item));
        }
        return item;
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /** Drops every buffered item, which frees a callback waiting for room. */
    void clear() {
        StreamItem item;
        while ((item = items.poll()) != null) {
            bytes.release(weight(item));
        }
    }

    /** Bytes of room taken now; for tests. */
    int bytesBuffered() {
        return maxBytes - bytes.availablePermits();
    }

    private int weight(StreamItem item) {
        long weight = item instanceof StreamItem.Events e ? e.bytes() : PROGRESS_WEIGHT;
        return (int) Math.min(weight, maxBytes);
    }

    /** What a watch response's events weigh in the buffer. */
    static long weigh(List<WatchEvent> events) {
        long total = 0;
        for (WatchEvent event : events) {
            total += WatcherConfig.QUEUE_EVENT_OVERHEAD_BYTES + size(event.getKeyValue()) + size(event.getPrevKV());
        }
        return total;
    }

    private static long size(KeyValue kv) {
        return kv == null ? 0 : (long) kv.getKey().size() + kv.getValue().size();
    }
}
