package io.ferry.watcher;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code ferry.watcher.state}: one gauge per {@link WatcherState}, tagged {@code state}, 1 for the
 * current one and 0 for the rest (the Prometheus convention for an enum: a query or an alert
 * selects the state by its tag, and a change shows as two series crossing). Reading it costs a
 * volatile read, so it is exact at every scrape. Removed on close.
 */
final class WatcherStateMeters implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    WatcherStateMeters(MeterRegistry registry, Supplier<WatcherState> state) {
        this.registry = registry;
        for (WatcherState s : WatcherState.values()) {
            meters.add(Gauge.builder("ferry.watcher.state", () -> state.get() == s ? 1 : 0)
                    .tag("state", s.name().toLowerCase(Locale.ROOT))
                    .description("1 for the watcher's current state: standby (another watcher leads), snapshotting, "
                            + "streaming, recovering, ...")
                    .register(registry));
        }
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
