package io.ferry.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a scenario measured: raw figures, the ratios derived from them, and a one-line summary. */
final class ScenarioResult {

    private final String name;
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<Ratio> ratios = new ArrayList<>();
    private String summary = "";

    ScenarioResult(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    ScenarioResult put(String key, Object value) {
        figures.put(key, value);
        return this;
    }

    Object get(String key) {
        return figures.get(key);
    }

    /** Adds a ratio without a target. */
    Ratio ratio(String label, double value) {
        Ratio r = new Ratio(name, label, value, "", null);
        ratios.add(r);
        return r;
    }

    /** Adds a ratio that should be at least {@code min}. */
    Ratio ratioAtLeast(String label, double value, double min) {
        Ratio r = new Ratio(name, label, value, String.format(Locale.ROOT, ">= %.2f", min), value >= min);
        ratios.add(r);
        return r;
    }

    /** Adds a ratio that should be at most {@code max}. */
    Ratio ratioAtMost(String label, double value, double max) {
        Ratio r = new Ratio(name, label, value, String.format(Locale.ROOT, "<= %.2f", max), value <= max);
        ratios.add(r);
        return r;
    }

    List<Ratio> ratios() {
        return ratios;
    }

    void summary(String format, Object... args) {
        summary = String.format(Locale.ROOT, format, args);
    }

    String summary() {
        return summary;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", name);
        m.put("summary", summary);
        m.put("figures", figures);
        m.put("ratios", ratios.stream().map(Ratio::toMap).toList());
        return m;
    }
}
