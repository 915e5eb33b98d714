package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The parsing DashboardMetricsIT relies on to compare docs/metrics.md with a real scrape. */
class MetricsDocTest {

    @Test
    void readsOnlyThePrometheusColumnWithoutLabels() {
        String md = """
                | Path | What |
                |---|---|
                | `/metrics` | `not_a_metric` |

                | Meter | Prometheus | Type | Meaning |
                |---|---|---|---|
                | `ferry.a` | `ferry_a_total{op}` | counter | `ferry_not_this` |
                | `ferry.b` / `.c` | `ferry_b` / `ferry_c_seconds` | gauges | x |
                """;
        assertEquals(Set.of("ferry_a_total", "ferry_b", "ferry_c_seconds"), MetricsDoc.documented(md));
    }

    @Test
    void matchesTheSeriesPrometheusMakesOfAMeter() {
        Set<String> samples = MetricsDoc.sampleNames("""
                # HELP ferry_t_seconds x
                # TYPE ferry_t_seconds histogram
                ferry_t_seconds_bucket{le="0.001"} 0
                ferry_t_seconds_count 3
                ferry_g{partition="0"} 7.0
                ferry_r_total 1.0
                """);
        assertEquals(Set.of("ferry_t_seconds_bucket", "ferry_t_seconds_count", "ferry_g", "ferry_r_total"), samples);
        assertTrue(MetricsDoc.exported("ferry_t_seconds", samples));
        assertTrue(MetricsDoc.exported("ferry_r_total", samples));
        assertTrue(MetricsDoc.exported("ferry_r", samples));
        assertFalse(MetricsDoc.exported("ferry_t", samples));
        assertTrue(MetricsDoc.documents(Set.of("ferry_t_seconds"), "ferry_t_seconds_bucket"));
        assertFalse(MetricsDoc.documents(Set.of("ferry_t_seconds"), "ferry_t_seconds_other"));
    }

    @Test
    void theDocumentListsTheMetersOfEveryPart() throws Exception {
        Set<String> names = MetricsDoc.documented();
        for (String n : new String[] {"ferry_watcher_state", "ferry_sink_age_seconds", "ferry_reverse_state",
            "ferry_cutover_phase", "ferry_build_info", "jvm_memory_used_bytes"}) {
            assertTrue(names.contains(n), n + " in " + names);
        }
    }
}
