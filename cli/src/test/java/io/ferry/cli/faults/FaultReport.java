package io.ferry.cli.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The run's report: seed, settings, the faults injected, what the workload did, what was checked, the verdict. */
final class FaultReport {

    private final Map<String, Object> root = new LinkedHashMap<>();

    FaultReport(FaultSettings s) {
        root.put("seed", s.seed());
        root.put("reproduce", s.reproduce());
        root.put("workload_seconds_at_least", s.workload().toMillis() / 1000.0);
        root.put("faults_per_kind_at_least", s.perKind());
        root.put("limit_seconds", s.limit().toMillis() / 1000.0);
        root.put("target_key_writes", s.ops());
        root.put("workers", s.workers());
        root.put("excluded_fault_kinds", s.excluded());
    }

    void put(String name, Object value) {
        root.put(name, value);
    }

    /** The faults injected, counted for each of the run's {@code kinds} (excluded ones too, with their zero). */
    void faults(List<InjectedFault> faults, java.util.Set<FaultKind> kinds) {
        Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
        for (FaultKind k : kinds) {
            counts.put(k, 0);
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (InjectedFault f : faults) {
            if (f.error() == null) {
                counts.merge(f.kind(), 1, Integer::sum);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", f.kind().name());
            m.put("at_ms", f.atMs());
            m.put("took_ms", f.tookMs());
            m.put("detail", f.detail());
            if (f.error() != null) {
                m.put("error", f.error());
            }
            list.add(m);
        }
        root.put("faults_by_kind", counts);
        root.put("faults_total", faults.stream().filter(f -> f.error() == null).count());
        root.put("faults_not_injected", faults.stream().filter(f -> f.error() != null).map(f -> f.kind() + ": " + f.error()).toList());
        root.put("faults", list);
    }

    /** Writes the JSON file and returns a short text for stdout. */
    String write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(file.toFile(), root);
        Map<String, Object> brief = new LinkedHashMap<>(root);
        brief.remove("faults");
        return "Fault-injection report (" + file.toAbsolutePath() + "):\n" + json.writeValueAsString(brief);
    }
}
