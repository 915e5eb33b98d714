package io.ferry.reverse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The reverse writer's meters; see docs/metrics.md. Every meter is removed on close, as the watcher's and the sink's are. */
final class ReverseMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter applied;
    private final Counter duplicates;
    private final Counter transactions;
    /** When the writer last committed into etcd, or started streaming if later: what the age counts from. */
    private volatile long sinceNanos = System.nanoTime();

    ReverseMetrics(MeterRegistry registry, Supplier<ReverseWriter.State> state) {
        this.registry = registry;
        applied = keep(changes(registry, "applied"));
        duplicates = keep(changes(registry, "skipped_duplicate"));
        transactions = keep(Counter.builder("ferry.reverse.transactions")
                .description("etcd transactions the reverse writer committed").register(registry));
        for (ReverseWriter.State s : ReverseWriter.State.values()) {
            keep(Gauge.builder("ferry.reverse.state", () -> state.get() == s ? 1 : 0)
                    .tag("state", s.name().toLowerCase(java.util.Locale.ROOT))
                    .description("1 for the reverse writer's current state").register(registry));
        }
        // A stalled capture (a slot or binlog that no longer delivers) shows as an age that keeps growing while the
        // writer streams; the writer cannot tell that from SQL having nothing to copy, so the alert's threshold is the
        // longest the applications go without writing. Outside streaming nothing is expected of it: 0.
        keep(Gauge.builder("ferry.reverse.last.applied.age", () -> state.get() == ReverseWriter.State.STREAMING
                        ? (System.nanoTime() - sinceNanos) / 1e9 : 0)
                .baseUnit("seconds")
                .description("While streaming, seconds since the reverse writer last committed SQL changes into etcd "
                        + "(or since it started streaming); 0 otherwise")
                .register(registry));
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    /** Removes every meter from the registry, so that a writer closed in a process that goes on leaves no stale series. */
    @Override
    public synchronized void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    /** The writer starts streaming: the age counts from now until its first transaction. */
    void streaming() {
        sinceNanos = System.nanoTime();
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
        sinceNanos = System.nanoTime();
        transactions.increment();
    }
}
