package io.ferry.watcher.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.watch.WatchEvent;
import io.ferry.core.config.WatcherConfig;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WatchBufferTest {

    private static StreamItem.Events events(long bytes) {
        return new StreamItem.Events(1, List.of(), 1, 1, bytes);
    }

    @Test
    void aFullBufferHoldsTheCallbackBackUntilTheProducerTakesAnItem() throws Exception {
        WatchBuffer buffer = new WatchBuffer(100, 1000);
        StreamItem first = events(600);
        assertTrue(buffer.offer(first, 0, TimeUnit.MILLISECONDS));
        assertFalse(buffer.offer(events(600), 20, TimeUnit.MILLISECONDS), "600 + 600 bytes exceed the 1000 allowed");
        assertEquals(600, buffer.bytesBuffered());

        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return buffer.offer(events(600), 10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertSame(first, buffer.poll(1, TimeUnit.SECONDS));
        assertTrue(waiting.get(10, TimeUnit.SECONDS), "taking the first item makes room for the waiting one");
        assertEquals(600, buffer.bytesBuffered());
    }

    @Test
    void anItemHeavierThanTheBudgetPassesAloneOnceTheBufferIsEmpty() throws Exception {
        WatchBuffer buffer = new WatchBuffer(100, 1000);
        assertTrue(buffer.offer(events(10), 0, TimeUnit.MILLISECONDS));
        assertFalse(buffer.offer(events(5_000_000), 20, TimeUnit.MILLISECONDS));
        buffer.poll(0, TimeUnit.MILLISECONDS);
        assertTrue(buffer.offer(events(5_000_000), 0, TimeUnit.MILLISECONDS));
        assertEquals(1000, buffer.bytesBuffered());
        assertFalse(buffer.offer(new StreamItem.Progress(1, 2), 20, TimeUnit.MILLISECONDS),
                "nothing joins it until it is taken");
    }

    @Test
    void theItemBoundHoldsEvenWhenBytesAreLeft() throws Exception {
        WatchBuffer buffer = new WatchBuffer(2, 1_000_000);
        assertTrue(buffer.offer(new StreamItem.Progress(1, 2), 0, TimeUnit.MILLISECONDS));
        assertTrue(buffer.offer(events(1), 0, TimeUnit.MILLISECONDS));
        assertFalse(buffer.offer(events(1), 20, TimeUnit.MILLISECONDS));
        assertEquals(WatcherConfig.QUEUE_EVENT_OVERHEAD_BYTES + 1, buffer.bytesBuffered(),
                "an item refused for want of a slot gives its bytes back");
    }

    @Test
    void clearingGivesEveryByteBack() throws Exception {
        WatchBuffer buffer = new WatchBuffer(100, 1000);
        buffer.offer(events(400), 0, TimeUnit.MILLISECONDS);
        buffer.offer(new StreamItem.Progress(1, 2), 0, TimeUnit.MILLISECONDS);
        buffer.clear();
        assertTrue(buffer.isEmpty());
        assertEquals(0, buffer.bytesBuffered());
        assertNull(buffer.poll(0, TimeUnit.MILLISECONDS));
    }

    @Test
    void anEventWeighsItsKeyValueAndPreviousValuePlusTheOverhead() {
        KeyValue now = kv("/k", "new-value");
        KeyValue before = kv("/k", "old");
        long weight = WatchBuffer.weigh(List.of(new WatchEvent(now, before, WatchEvent.EventType.PUT)));
        assertEquals(WatcherConfig.QUEUE_EVENT_OVERHEAD_BYTES + 2 + 9 + 2 + 3, weight);
    }

    private static KeyValue kv(String key, String value) {
        return new KeyValue(io.etcd.jetcd.api.KeyValue.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(value)).build(), ByteSequence.EMPTY);
    }
}
