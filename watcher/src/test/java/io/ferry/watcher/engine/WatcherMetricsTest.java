package io.ferry.watcher.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.event.Op;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class WatcherMetricsTest {

    @Test
    void lagIsEtcdRevisionMinusProducedRevision() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WatcherMetrics m = new WatcherMetrics(registry);
        m.etcdRevision(120);
        m.producedRevision(100);
        m.event(Op.DELETE);
        assertEquals(20, registry.get("ferry.watcher.revision.lag").gauge().value());
        assertEquals(1, registry.get("ferry.watcher.events").tag("op", "d").counter().count());
        assertTrue(registry.getMeters().stream().allMatch(x -> x.getId().getDescription() != null));
    }

    @Test
    void removesEveryMeterOnClose() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WatcherMetrics m = new WatcherMetrics(registry);
        assertTrue(m.names().contains("ferry.watcher.transaction.commit"));
        m.close();
        assertTrue(registry.getMeters().isEmpty());
    }
}
