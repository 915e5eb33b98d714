package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void returnsTheFirstValueThatSatisfiesTheCondition() {
        AtomicInteger n = new AtomicInteger();
        assertEquals(3, Await.until("three", Duration.ofSeconds(10), Duration.ofMillis(1), n::incrementAndGet, v -> v >= 3));
    }

    @Test
    void aTimeoutNamesWhatWasAwaitedTheLastValueAndTheContext() {
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until("a miracle", Duration.ofMillis(200),
                Duration.ofMillis(10), () -> "nothing yet", v -> false, () -> "; the log says no"));
        assertTrue(e.getMessage().contains("a miracle") && e.getMessage().contains("last seen: nothing yet")
                && e.getMessage().endsWith("; the log says no"), e.getMessage());
    }

    @Test
    void aFailedAssertionInTheProbeFailsAtOnce() {
        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until("a live process", Duration.ofSeconds(30),
                Duration.ofMillis(10), () -> {
                    throw new AssertionError("the process died");
                }, v -> true));
        assertEquals("the process died", e.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "did not wait out the limit");
    }
}
