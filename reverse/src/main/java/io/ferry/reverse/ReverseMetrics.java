package io.ferry.reverse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/** The reverse writer's meters; see docs/metrics.md. */
final class ReverseMetrics {

    private final Counter applied;
    private final Counter duplicates;
    private final Counter transactions;

    ReverseMetrics(MeterRegistry registry, Supplier<ReverseWriter.State> state) {
        applied = changes(registry, "applied");
        duplicates = changes(registry, "skipped_duplicate");
        transactions = Counter.builder("ferry.reverse.transactions").description("etcd transactions the reverse writer committed")
                .register(registry);
        for (ReverseWriter.State s : ReverseWriter.State.values()) {
            Gauge.builder("ferry.reverse.state", () -> state.get() == s ? 1 : 0).tag("state", s.name().toLowerCase(java.util.Locale.ROOT))
                    .description("1 for the reverse writer's current state").register(registry);
        }
    }

    private static Counter changes(MeterRegistry registry, String result) {
        return Counter.builder("ferry.reverse.changes").tag("result", result)
                .description("SQL changes the reverse writer handled, by outcome").register(registry);
    }

    void applied(int n) {
        applied.increment(n);
    }

    void duplicates(int n) {
        duplicates.increment(n);
    }

    void transaction() {
        transactions.increment();
    }
}
