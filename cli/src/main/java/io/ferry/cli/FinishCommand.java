package io.ferry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ferry.cutover.Finish;
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
        Finish.Outcome done = Finish.run(config.load());
        CutoverRow latest = done.cutover();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("cutover_id", latest.id());
        r.put("freeze_revision", latest.freezeRevision());
        r.put("r0", latest.r0());
        r.put("downtime_ms", latest.downtimeMs());
        r.put("finished_at", Instant.ofEpochMilli(done.finishedAt()).toString());
        r.put("late_writes", latest.lateWrites());
        r.put("replication_slot_dropped", done.droppedSlot());
        r.put("authoritative", "sql");
        r.put("next", "decommission checklist in docs/runbook.md: reconcile --revision F and --since F, archive this report, "
                + "a last etcdctl snapshot save, then stop the watcher, the sinks and etcd");
        Path out = report != null ? report : Path.of("ferry-decommission-" + latest.id() + ".json");
        Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        System.out.printf("Bake period finished: reverse replication stops, %s. %d late writes recorded since F=%d. "
                        + "Decommission report: %s%n", done.droppedSlot() != null ? "replication slot " + done.droppedSlot()
                        + " dropped" : "no replication slot to drop", latest.lateWrites(), latest.freezeRevision(),
                out.toAbsolutePath());
        return latest.lateWrites() == 0 ? Ferry.EXIT_OK : Ferry.EXIT_DIFFERENCES;
    }
}
