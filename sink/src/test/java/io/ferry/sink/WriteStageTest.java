package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WriteStageTest {

    @Test
    void aWriteRunsOnTheWriterThreadWhileTheCallerGoesOn() throws Exception {
        try (WriteStage<String> stage = new WriteStage<>("ferry-sink-writer", 1)) {
            CountDownLatch release = new CountDownLatch(1);
            stage.submit(0, () -> {
                release.await(10, TimeUnit.SECONDS);
                return Thread.currentThread().getName();
            });
            // The caller is not blocked by the write: it gets here while the write still waits.
            release.countDown();
            assertEquals(List.of("ferry-sink-writer"), stage.await());
            assertEquals(List.of(), stage.await(), "nothing is in flight once awaited");
        }
    }

    @Test
    void writersRunTheirSharesAtTheSameTimeOnThreadsOfTheirOwn() {
        try (WriteStage<String> stage = new WriteStage<>("ferry-sink-writer", 2)) {
            CountDownLatch both = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                stage.submit(i, () -> {
                    both.countDown();
                    // Each write waits for the other to have started: they can only end if they run at once.
                    assertTrue(both.await(10, TimeUnit.SECONDS), "the other writer's write started");
                    return Thread.currentThread().getName();
                });
            }
            assertEquals(List.of("ferry-sink-writer-1", "ferry-sink-writer-2"), stage.await(), "results in writer order");
        }
    }

    @Test
    void aWriterTakesOneWriteAtATime() {
        try (WriteStage<Integer> stage = new WriteStage<>("ferry-sink-writer", 2)) {
            stage.submit(0, () -> 1);
            assertThrows(IllegalStateException.class, () -> stage.submit(0, () -> 2));
            stage.submit(1, () -> 2);
            assertEquals(List.of(1, 2), stage.await());
            stage.submit(0, () -> 3);
            assertEquals(List.of(3), stage.await());
        }
    }

    @Test
    void aFailedWriteRethrowsItsOwnExceptionOnceTheOthersHaveEnded() {
        SinkException failure = new SinkException("applying 5 records failed");
        AtomicBoolean otherEnded = new AtomicBoolean();
        try (WriteStage<Integer> stage = new WriteStage<>("ferry-sink-writer", 2)) {
            stage.submit(0, () -> {
                throw failure;
            });
            stage.submit(1, () -> {
                Thread.sleep(200); // not a wait: a slower write, which the failure must not leave behind
                otherEnded.set(true);
                return 2;
            });
            assertSame(failure, assertThrows(SinkException.class, stage::await));
            assertTrue(otherEnded.get(), "the other writer's write ended before the failure was rethrown");
            stage.submit(0, () -> 3);
            assertEquals(List.of(3), stage.await(), "the stage goes on after a failed write");
        }
    }

    @Test
    void closeLetsTheWritesInFlightFinish() throws Exception {
        CountDownLatch done = new CountDownLatch(2);
        WriteStage<Integer> stage = new WriteStage<>("ferry-sink-writer", 2);
        for (int i = 0; i < 2; i++) {
            stage.submit(i, () -> {
                Thread.sleep(200); // not a wait: a slow write, which close() must wait for
                done.countDown();
                return 1;
            });
        }
        stage.close();
        assertTrue(done.await(0, TimeUnit.SECONDS), "close waited for both writes");
    }
}
