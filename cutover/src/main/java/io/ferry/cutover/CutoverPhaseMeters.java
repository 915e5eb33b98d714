package io.ferry.cutover;

import io.ferry.state.CutoverPhase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ferry.cutover.phase}: one gauge per phase, tagged {@code phase} ({@code forward} while no
 * cutover was recorded, then the {@link CutoverPhase}s by their status names), 1 for the latest
 * cutover's phase. The phase lives in SQL ({@code ferry_cutover}), written by another process
 * ({@code ferry cutover}, {@code rollback}, {@code finish}), so it is read on a schedule
 * ({@link #REFRESH}) on a thread of its own rather than at each scrape: a scrape then never waits for
 * the database nor opens a connection, and however many scrapers there are, the database sees one
 * small query per interval. The price is that a phase change shows up to one interval late, which
 * is short beside the minutes a cutover's phases last. When a read fails every gauge is 0 (unknown)
 * until one succeeds, rather than showing a phase that may be stale.
 */
public final class CutoverPhaseMeters implements AutoCloseable {

    static final Duration REFRESH = Duration.ofSeconds(10);
    static final String FORWARD = "forward";

    private static final Logger LOG = LoggerFactory.getLogger(CutoverPhaseMeters.class);

    private final CutoverRecord record;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    /** The status name of the phase last read; null before the first read and after a failed one. */
    private final AtomicReference<String> current = new AtomicReference<>();
    private final ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ferry-cutover-phase");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean failing;

    private CutoverPhaseMeters(CutoverRecord record, MeterRegistry registry) {
        this.record = record;
        this.registry = registry;
        List<String> names = new ArrayList<>(List.of(FORWARD));
        for (CutoverPhase p : CutoverPhase.values()) {
            names.add(statusName(p));
        }
        for (String name : names) {
            meters.add(Gauge.builder("ferry.cutover.phase", () -> name.equals(current.get()) ? 1 : 0).tag("phase", name)
                    .description("1 for the latest cutover's phase as ferry_cutover records it (forward: none yet); "
                            + "read every " + REFRESH.toSeconds() + " s, all 0 while it cannot be read")
                    .register(registry));
        }
    }

    /** Registers the gauges and reads the phase now and then every {@link #REFRESH}. */
    public static CutoverPhaseMeters start(CutoverRecord record, MeterRegistry registry) {
        CutoverPhaseMeters m = new CutoverPhaseMeters(record, registry);
        m.reader.scheduleWithFixedDelay(m::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        return m;
    }

    /** The phase as {@code ferry status} names it. */
    static String statusName(CutoverPhase phase) {
        return phase.name().toLowerCase(Locale.ROOT);
    }

    void refresh() {
        try {
            Optional<CutoverPhase> phase = record.currentPhase();
            current.set(phase.map(CutoverPhaseMeters::statusName).orElse(FORWARD));
            if (failing) {
                LOG.info("The cutover phase can be read again: {}", current.get());
            }
            failing = false;
        } catch (RuntimeException e) {
            current.set(null);
            // Once per run of failures: the sink itself reports what is wrong with the database.
            if (!failing) {
                LOG.warn("Reading the cutover phase for ferry_cutover_phase failed; it reads 0 until a read succeeds: {}",
                        e.getMessage());
            }
            failing = true;
        }
    }

    @Override
    public void close() {
        reader.shutdownNow();
        meters.forEach(registry::remove);
        meters.clear();
    }
}
