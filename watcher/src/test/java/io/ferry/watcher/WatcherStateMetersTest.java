package io.ferry.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WatcherStateMetersTest {

    @Test
    void onlyTheCurrentStateIsOne() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicReference<WatcherState> state = new AtomicReference<>(WatcherState.STANDBY);
        try (WatcherStateMeters m = new WatcherStateMeters(registry, state::get)) {
            assertEquals(WatcherState.values().length, registry.find("ferry.watcher.state").gauges().size());
            assertEquals(1, registry.get("ferry.watcher.state").tag("state", "standby").gauge().value());
            state.set(WatcherState.STREAMING);
            assertEquals(0, registry.get("ferry.watcher.state").tag("state", "standby").gauge().value());
            assertEquals(1, registry.get("ferry.watcher.state").tag("state", "streaming").gauge().value());
            assertEquals(1, registry.find("ferry.watcher.state").gauges().stream().mapToDouble(g -> g.value()).sum());
        }
        assertTrue(registry.getMeters().isEmpty(), "removed on close");
    }
}
