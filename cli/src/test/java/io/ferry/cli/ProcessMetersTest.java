package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class ProcessMetersTest {

    @Test
    void bindsTheJvmAndProcessMetersAndTheBuildInfo() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ProcessMeters ignored = ProcessMeters.bindTo(registry)) {
            assertEquals(1, registry.get("ferry.build.info").tag("version", FerryVersion.version())
                    .tag("java", System.getProperty("java.version")).gauge().value());
            String scrape = registry.scrape();
            for (String name : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
                "process_cpu_usage", "process_uptime_seconds", "ferry_build_info"}) {
                assertTrue(scrape.contains(name), name + " in\n" + scrape);
            }
            assertNotNull(registry.find("jvm.gc.memory.allocated").counter());
        }
    }
}
