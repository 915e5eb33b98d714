package io.ferry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ferry.cutover.CutoverRecord;
import io.ferry.clients.JdbcConnections;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.reverse.ReverseCapture;
import io.ferry.reverse.ReverseTarget;
import io.ferry.state.CutoverPhase;
import io.ferry.state.CutoverRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferry finish}: end the bake period after a switch; SQL stays authoritative for good. */
@Command(name = "finish", header = "End a switched cutover's bake period; no rollback after it.", description = {"End the bake period of a switched cutover: stop reverse replication, drop the",
    "replication slot (an abandoned one fills PostgreSQL's disk) and write the decommission report.",
    "After it, ferry rollback is no longer possible."})
final class FinishCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--report", paramLabel = "FILE", description = "Where to write the decommission report (JSON); "
            + "default ferry-decommission-<cutover id>.json in the current directory.")
    Path report;

    @Override
    public Integer call() throws Exception {
        FerryConfig c = config.load();
        CutoverConfig cc = CutoverConfig.of(c);
        CutoverRecord record = CutoverRecord.of(c);
        CutoverRow latest = record.latest().filter(l -> l.phase() == CutoverPhase.SWITCHED)
                .orElseThrow(() -> new FerryException("there is no switched cutover to finish: ferry status shows the phase"));
        long finishedAt = System.currentTimeMillis();
        // The record first: the reverse writer stops on it, and a rollback can no longer start.
        record.finished(latest.id(), finishedAt);
        boolean dropped = JdbcConnections.sink(c).kind() != JdbcTarget.Kind.SQLITE
                && new ReverseCapture(ReverseTarget.of(c), cc.reverseSlot()).release();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("cutover_id", latest.id());
        r.put("freeze_revision", latest.freezeRevision());
        r.put("r0", latest.r0());
        r.put("downtime_ms", latest.downtimeMs());
        r.put("finished_at", Instant.ofEpochMilli(finishedAt).toString());
        r.put("late_writes", latest.lateWrites());
        r.put("replication_slot_dropped", dropped ? cc.reverseSlot() : null);
        r.put("authoritative", "sql");
        r.put("next", "decommission checklist in docs/runbook.md: reconcile --revision F and --since F, archive this report, "
                + "a last etcdctl snapshot save, then stop the watcher, the sinks and etcd");
        Path out = report != null ? report : Path.of("ferry-decommission-" + latest.id() + ".json");
        Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        System.out.printf("Bake period finished: reverse replication stops, %s. %d late writes recorded since F=%d. "
                        + "Decommission report: %s%n", dropped ? "replication slot " + cc.reverseSlot() + " dropped"
                        : "no replication slot to drop", latest.lateWrites(), latest.freezeRevision(), out.toAbsolutePath());
        return latest.lateWrites() == 0 ? Ferry.EXIT_OK : Ferry.EXIT_DIFFERENCES;
    }
}
