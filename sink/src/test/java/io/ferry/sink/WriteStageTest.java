package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WriteStageTest {

    @Test
    void aWriteRunsOnTheWriterThreadWhileTheCallerGoesOn() throws Exception {
        try (WriteStage<String> stage = new WriteStage<>("ferry-sink-writer")) {
            CountDownLatch release = new CountDownLatch(1);
            stage.submit(() -> {
                release.await(10, TimeUnit.SECONDS);
                return Thread.currentThread().getName();
            });
            // The caller is not blocked by the write: it gets here while the write still waits.
            release.countDown();
            assertEquals("ferry-sink-writer", stage.await());
            assertNull(stage.await(), "nothing is in flight once awaited");
        }
    }

    @Test
    void onlyOneWriteIsInFlight() {
        try (WriteStage<Integer> stage = new WriteStage<>("ferry-sink-writer")) {
            stage.submit(() -> 1);
            assertThrows(IllegalStateException.class, () -> stage.submit(() -> 2));
            assertEquals(1, stage.await());
            stage.submit(() -> 2);
            assertEquals(2, stage.await());
        }
    }

    @Test
    void aFailedWriteRethrowsItsOwnExceptionOnAwait() {
        SinkException failure = new SinkException("applying 5 records failed");
        try (WriteStage<Integer> stage = new WriteStage<>("ferry-sink-writer")) {
            stage.submit(() -> {
                throw failure;
            });
            assertSame(failure, assertThrows(SinkException.class, stage::await));
            stage.submit(() -> 3);
            assertEquals(3, stage.await(), "the stage goes on after a failed write");
        }
    }

    @Test
    void closeLetsTheWriteInFlightFinish() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        WriteStage<Integer> stage = new WriteStage<>("ferry-sink-writer");
        stage.submit(() -> {
            Thread.sleep(200); // not a wait: a slow write, which close() must wait for
            done.countDown();
            return 1;
        });
        stage.close();
        assertTrue(done.await(0, TimeUnit.SECONDS), "close waited for the write");
    }
}
