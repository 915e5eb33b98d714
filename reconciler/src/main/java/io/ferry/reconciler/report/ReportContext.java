package io.ferry.reconciler.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What makes a reconciliation report a record that can be filed with a decommissioning: when it ran,
 * against which etcd cluster and which database, by which Ferry, with which options, and where a
 * cutover stood. The comparison itself is in {@link io.ferry.reconciler.ReconcileReport}.
 *
 * @param finishedAt when the comparison and the late-write scan ended
 * @param etcdClusterId etcd's cluster id as {@code etcdctl} prints it, or null when unknown
 * @param etcdEndpoints the endpoints reached
 * @param database the target database, without credentials ({@code postgres://host:5432/app})
 * @param table the sink's table compared
 * @param ferryVersion the version of Ferry that ran it
 * @param options the command's options as given, for example {@code --revision=1200}
 * @param cutover where the latest cutover stood, or null when none was recorded
 * @param decodeFailures values of mapped prefixes that did not decode ({@code ferry_decode_failures}), by mapped table
 *     and category; null when they could not be read
 */
public record ReportContext(Instant finishedAt, String etcdClusterId, List<String> etcdEndpoints, String database, String table,
                            String ferryVersion, List<String> options, Cutover cutover,
                            Map<String, Map<String, Long>> decodeFailures) {

    /**
     * The latest cutover as the report shows it.
     *
     * @param phase its phase, lower case ({@code switched}, {@code finished}, {@code rolled_back}, ...)
     * @param freezeRevision F, the revision at which writers were frozen
     * @param downtimeMs the measured downtime of the switch
     * @param sqlAuthoritative whether SQL is the source of truth now: then a repair from etcd is refused
     */
    public record Cutover(String phase, long freezeRevision, long downtimeMs, boolean sqlAuthoritative) {
    }

    /** Whether {@code ferry reconcile --repair} may follow: not once SQL is authoritative. */
    public boolean repairAllowed() {
        return cutover == null || !cutover.sqlAuthoritative();
    }

    /** The audit facts as label and value, in the order every report shows them. */
    public Map<String, String> facts(Instant startedAt) {
        Map<String, String> facts = new java.util.LinkedHashMap<>();
        facts.put("Started", startedAt.toString());
        facts.put("Finished", finishedAt.toString());
        facts.put("etcd cluster", (etcdClusterId == null ? "unknown" : etcdClusterId) + " at " + String.join(", ", etcdEndpoints));
        facts.put("Database", database + ", table " + table);
        facts.put("Ferry", ferryVersion);
        facts.put("Options", options.isEmpty() ? "(none)" : String.join(" ", options));
        facts.put("Cutover", cutover == null ? "none recorded: etcd is authoritative"
                : cutover.phase() + " at F=" + cutover.freezeRevision() + ", downtime " + cutover.downtimeMs() + " ms");
        facts.put("Decode failures", decodeFailuresText());
        return facts;
    }

    /** For example {@code none}, or {@code desired_lrps: encrypted_no_key 2, undecodable 1}. */
    public String decodeFailuresText() {
        if (decodeFailures == null) {
            return "unknown (ferry_decode_failures could not be read)";
        }
        if (decodeFailures.isEmpty()) {
            return "none";
        }
        // Sorted by name, so two reports of the same state read the same whatever map the caller built.
        List<String> tables = new java.util.ArrayList<>();
        new java.util.TreeMap<>(decodeFailures).forEach((table, byCategory) -> tables.add(table + ": " + String.join(", ",
                new java.util.TreeMap<>(byCategory).entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList())));
        return String.join("; ", tables) + " (kept raw in the generic table; docs/mappings.md)";
    }
}
