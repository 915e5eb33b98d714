package io.ferry.cli;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The meters of the process rather than of a component: JVM memory, GC, threads, class loading,
 * CPU, uptime, open files ({@code jvm_*}, {@code process_*}, {@code system_*}; Micrometer's own
 * names), and {@code ferry.build.info}. Bound once per process, on the registry that
 * {@code /metrics} serves; the GC binder listens to the JVM's GC notifications, so it is closed
 * with the process's other resources.
 */
final class ProcessMeters implements AutoCloseable {

    private final JvmGcMetrics gc = new JvmGcMetrics();

    private ProcessMeters() {
    }

    static ProcessMeters bindTo(MeterRegistry registry) {
        ProcessMeters meters = new ProcessMeters();
        new JvmMemoryMetrics().bindTo(registry);
        meters.gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        // The Prometheus "info" convention: constant 1, the facts in tags, so a query can join on them.
        Gauge.builder("ferry.build.info", () -> 1)
                .description("Always 1; the version of Ferry and of the Java runtime it runs on are its tags")
                .tag("version", FerryVersion.version())
                .tag("java", System.getProperty("java.version"))
                .register(registry);
        return meters;
    }

    @Override
    public void close() {
        gc.close();
    }
}
