package io.ferry.cli;

import io.ferry.clients.EtcdRoles;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.cutover.Cutover;
import io.ferry.cutover.CutoverRecord;
import io.ferry.state.StateTables;
import java.util.ListResourceBundle;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferry cutover}: make SQL authoritative, with measured downtime; or {@code --abort} a freeze. */
@Command(name = "cutover", header = "Cut over from etcd to SQL, with its downtime measured; any failure aborts.", description = {"Cut over from etcd to SQL: pre-check, verify online at R0, freeze, drain to F,",
    "verify (R0, F] only, switch. Prints each step with its timing and the downtime (freeze to switch).",
    "Any failure aborts: the freeze is undone and etcd stays authoritative."}, resourceBundle = "io.ferry.cli.CutoverCommand$Help")
final class CutoverCommand implements Callable<Integer> {

    /** What {@link FreezeOptions} mean for a cutover. */
    public static final class Help extends ListResourceBundle {
        @Override
        protected Object[][] getContents() {
            return new Object[][] {
                {"freeze", "marker: write the freeze marker that cooperating writers watch (default). "
                        + "external: you have stopped the writers; wait until etcd is quiet."},
                {"abort", "Undo a freeze left by an interrupted cutover: delete the marker, record the abort."}};
        }
    }

    @Mixin
    ConfigOption config;

    @Mixin
    FreezeOptions freeze;

    @Option(names = "--without-rollback", description = "Cut over without opening the rollback path (no replication slot or "
            + "binlog position): after the switch, ferry rollback is then impossible. Implied on SQLite.")
    boolean withoutRollback;

    @Override
    public Integer call() throws Exception {
        FerryConfig c = config.load();
        CutoverConfig cc = CutoverConfig.of(c);
        CutoverRecord record = CutoverRecord.of(c);
        return EtcdAndSql.run(c, "ferry cutover", EtcdRoles.cutover(c), (etcd, sql) -> {
            if (freeze.abort) {
                Optional<Long> id = Cutover.abort(etcd, cc, record);
                System.out.println("Freeze marker " + cc.markerKey() + " deleted; writers may resume. "
                        + id.map(i -> "Cutover " + i + " recorded as aborted.").orElse("No open cutover was recorded."));
                return Ferry.EXIT_OK;
            }
            Cutover.Plan plan = Cutover.Plan.of(c, freeze.mode, withoutRollback);
            TextSteps steps = new TextSteps(System.out);
            Cutover.Outcome done = new Cutover(etcd, sql, record, steps).run(plan);
            steps.note("From now on the sink records etcd changes after F in " + StateTables.LATE_WRITES
                    + " instead of applying them; ferry status counts them.");
            if (plan.rollbackPath() != null) {
                steps.note("Reverse replication (ferry reverse, or ferry run) now copies SQL's changes into "
                        + "etcd, so that ferry rollback loses nothing; ferry finish ends it.");
            }
            System.out.printf("Cutover complete: SQL is authoritative from revision F=%d. Downtime (freeze to switch): %d ms.%n",
                    done.f(), done.downtimeMs());
            return Ferry.EXIT_OK;
        });
    }
}
