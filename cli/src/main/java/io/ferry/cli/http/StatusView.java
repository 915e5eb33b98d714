package io.ferry.cli.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.state.CutoverPhase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code /status.json} says and the status page shows, read from the process's own meters (so the page
 * and {@code /metrics} never disagree) and from where its configuration points. A part this process does not
 * run (the watcher in {@code ferry sink}) has no meters, and its section is left out.
 */
final class StatusView {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MeterRegistry registry;
    private final Map<String, String> facts;

    /** @param facts where the process points, for a person: etcd, Kafka and its topic, the database and table; no secret */
    StatusView(MeterRegistry registry, Map<String, String> facts) {
        this.registry = registry;
        this.facts = facts;
    }

    String json(Health h, LagHistory history) {
        Map<String, Object> status = new LinkedHashMap<>();
        Optional<String> phase = tagOfOne("ferry.cutover.phase", "phase");
        status.put("alive", h.alive());
        status.put("ready", h.ready());
        // READY means that replication applies etcd's changes; after a cutover's switch it does not, whatever the lag.
        status.put("state", !h.alive() ? "failed" : phase.filter(StatusView::sqlAuthoritative).isPresent() ? "switched"
                : h.ready() ? "ready" : "not_ready");
        status.put("reason", h.reason());
        status.put("revision_lag", h.revisionLag());
        status.put("facts", facts);
        Map<String, Object> build = new LinkedHashMap<>();
        registry.find("ferry.build.info").gauges().stream().findFirst().ifPresent(g -> {
            build.put("version", g.getId().getTag("version"));
            build.put("java", g.getId().getTag("java"));
        });
        status.put("build", build);
        status.put("watcher", watcher());
        status.put("sink", sink());
        Map<String, Object> cutover = new LinkedHashMap<>();
        phase.ifPresent(p -> cutover.put("phase", p));
        status.put("cutover", cutover);
        Map<String, Object> reverse = new LinkedHashMap<>();
        tagOfOne("ferry.reverse.state", "state").ifPresent(s -> reverse.put("state", s));
        value("ferry.reverse.last.applied.age").ifPresent(v -> reverse.put("last_applied_age_seconds", v));
        status.put("reverse", reverse);
        try {
            // The history is already JSON text: spliced in as it is, not parsed and written again every two seconds.
            String text = JSON.writeValueAsString(status);
            return text.substring(0, text.length() - 1) + ",\"lag_history\":" + history.json() + "}";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the status is plain values", e);
        }
    }

    private Map<String, Object> watcher() {
        Map<String, Object> w = new LinkedHashMap<>();
        tagOfOne("ferry.watcher.state", "state").ifPresent(s -> w.put("state", s));
        value("ferry.watcher.etcd.revision").ifPresent(v -> w.put("etcd_revision", v.longValue()));
        value("ferry.watcher.produced.revision").ifPresent(v -> w.put("produced_revision", v.longValue()));
        value("ferry.watcher.revision.lag").ifPresent(v -> w.put("revision_lag", v.longValue()));
        value("ferry.watcher.epoch").ifPresent(v -> w.put("epoch", v.longValue()));
        Optional<Double> total = value("ferry.watcher.snapshot.keys.total");
        if (total.isPresent() && total.get() > 0) {
            Map<String, Object> snapshot = new LinkedHashMap<>();
            snapshot.put("keys_done", value("ferry.watcher.snapshot.keys.done").map(Double::longValue).orElse(0L));
            snapshot.put("keys_total", total.get().longValue());
            value("ferry.watcher.snapshot.eta").ifPresent(v -> snapshot.put("eta_seconds", v));
            w.put("snapshot", snapshot);
        }
        return w;
    }

    private Map<String, Object> sink() {
        Map<String, Object> s = new LinkedHashMap<>();
        Map<String, Map<String, Object>> partitions = new java.util.TreeMap<>(Comparator.comparingInt(Integer::parseInt));
        perPartition("ferry.sink.watermark", "watermark", partitions);
        perPartition("ferry.sink.offset", "next_offset", partitions);
        perPartition("ferry.sink.partition.lag", "consumer_lag", partitions);
        if (partitions.isEmpty() && registry.find("ferry.sink.consumer.lag").gauge() == null) {
            return s;
        }
        List<Map<String, Object>> rows = new ArrayList<>(partitions.values());
        s.put("partitions", rows);
        value("ferry.sink.consumer.lag").ifPresent(v -> s.put("consumer_lag", v.longValue()));
        value("ferry.sink.partitions.halted").ifPresent(v -> s.put("partitions_halted", v.longValue()));
        return s;
    }

    private void perPartition(String meter, String field, Map<String, Map<String, Object>> partitions) {
        for (Gauge g : registry.find(meter).gauges()) {
            String p = g.getId().getTag("partition");
            if (p != null) {
                partitions.computeIfAbsent(p, k -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("partition", Integer.parseInt(k));
                    return row;
                }).put(field, (long) g.value());
            }
        }
    }

    /** The value of a gauge without tags. */
    private Optional<Double> value(String meter) {
        Gauge g = registry.find(meter).gauge();
        return g == null || Double.isNaN(g.value()) ? Optional.empty() : Optional.of(g.value());
    }

    /** Of a set of one-per-value gauges (1 for the current one), the current value of {@code tag}. */
    private Optional<String> tagOfOne(String meter, String tag) {
        return registry.find(meter).gauges().stream().filter(g -> g.value() == 1).map(g -> g.getId().getTag(tag)).findFirst();
    }

    private static boolean sqlAuthoritative(String phase) {
        try {
            return CutoverPhase.valueOf(phase.toUpperCase(Locale.ROOT)).sqlAuthoritative();
        } catch (IllegalArgumentException e) {
            return false; // forward: no cutover recorded
        }
    }
}
