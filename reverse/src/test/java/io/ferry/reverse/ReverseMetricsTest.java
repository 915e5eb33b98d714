package io.ferry.reverse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReverseMetricsTest {

    @Test
    void lastAppliedAgeCountsOnlyWhileStreamingFromTheLatestCommitOrStart() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicReference<ReverseWriter.State> state = new AtomicReference<>(ReverseWriter.State.WAITING);
        ReverseMetrics metrics = new ReverseMetrics(registry, state::get);
        Gauge age = registry.get("ferry.reverse.last.applied.age").gauge();
        Thread.sleep(50); // not a wait: time passes, and a waiting writer's age must not count it
        assertEquals(0, age.value(), "nothing is expected of a waiting writer");

        metrics.streaming();
        state.set(ReverseWriter.State.STREAMING);
        Thread.sleep(200); // not a wait: the gauge measures time, so time must pass
        double sinceStart = age.value();
        assertTrue(sinceStart >= 0.2 && sinceStart < 5, "counts from the start of streaming: " + sinceStart);

        metrics.transaction();
        assertTrue(age.value() < sinceStart, "a commit into etcd starts the count again: " + age.value());
        assertEquals(1, registry.get("ferry.reverse.transactions").counter().count());

        state.set(ReverseWriter.State.RETRYING);
        assertEquals(0, age.value());
    }

    @Test
    void closeRemovesEveryMeterAndMayBeRepeated() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ReverseMetrics metrics = new ReverseMetrics(registry, () -> ReverseWriter.State.WAITING);
        assertEquals(5 + 3 + 1, registry.getMeters().size(), "five states, three counters, one age");
        metrics.close();
        assertTrue(registry.getMeters().isEmpty(), registry.getMeters().toString());
        metrics.close();
        metrics.applied(1); // a writer thread still finishing may count into the removed meters
        assertTrue(registry.getMeters().isEmpty());
    }
}
