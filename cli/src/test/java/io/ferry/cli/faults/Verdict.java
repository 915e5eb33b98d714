package io.ferry.cli.faults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Violations found by the checker, by category, with the first few of each kept in full. Harness
 * problems (the model disagrees with etcd, a fault could not be injected) are kept apart from
 * findings about Ferry, so a failure says which of the two to look at.
 */
final class Verdict {

    private static final int KEEP = 15;

    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, List<String>> examples = new LinkedHashMap<>();
    private final Map<String, Long> checked = new LinkedHashMap<>();

    synchronized void violation(String category, String message) {
        counts.merge(category, 1L, Long::sum);
        List<String> list = examples.computeIfAbsent(category, c -> new ArrayList<>());
        if (list.size() < KEEP) {
            list.add(message);
        }
    }

    /** Counts something that was checked and held, for the report. */
    synchronized void checked(String what, long n) {
        checked.merge(what, n, Long::sum);
    }

    synchronized boolean passed() {
        return counts.isEmpty();
    }

    synchronized Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", counts.isEmpty() ? "PASS" : "FAIL");
        m.put("checked", new LinkedHashMap<>(checked));
        m.put("violations", new LinkedHashMap<>(counts));
        m.put("examples", new LinkedHashMap<>(examples));
        return m;
    }

    synchronized String summary() {
        if (counts.isEmpty()) {
            return "PASS";
        }
        StringBuilder sb = new StringBuilder("FAIL");
        counts.forEach((c, n) -> {
            sb.append("\n  ").append(c).append(": ").append(n);
            examples.get(c).forEach(e -> sb.append("\n    - ").append(e));
        });
        return sb.toString();
    }
}
