package io.ferry.cli;

import io.ferry.clients.EtcdRoles;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.cutover.CutoverRecord;
import io.ferry.cutover.Rollback;
import io.ferry.state.CutoverRow;
import java.util.ListResourceBundle;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ferry rollback}: make etcd authoritative again after a switch, losing none of SQL's writes. */
@Command(name = "rollback", header = "Roll back a switched cutover: etcd becomes authoritative again.", description = {"Roll back a switched cutover: freeze SQL writers, drain the reverse stream into",
    "etcd, mark etcd authoritative, verify etcd equals SQL, resume forward replication, release the slot.",
    "Prints each step with its timing and the downtime (freeze to record). A failure before etcd is",
    "authoritative leaves SQL authoritative."}, resourceBundle = "io.ferry.cli.RollbackCommand$Help")
final class RollbackCommand implements Callable<Integer> {

    /** What {@link FreezeOptions} mean for a rollback. */
    public static final class Help extends ListResourceBundle {
        @Override
        protected Object[][] getContents() {
            return new Object[][] {
                {"freeze", "marker: the cutover row's phase rolling_back tells SQL writers to stop, and the rollback waits "
                        + "until the reverse stream is quiet (default). external: you have stopped them."},
                {"abort", "Undo a rollback that was interrupted before it recorded etcd as authoritative "
                        + "(phase rolling_back): SQL stays authoritative, reverse replication and SQL writers resume."}};
        }
    }

    @Mixin
    ConfigOption config;

    @Mixin
    FreezeOptions freeze;

    @Override
    public Integer call() throws Exception {
        FerryConfig c = config.load();
        Rollback.Plan plan = Rollback.Plan.of(c, freeze.mode); // refused here on SQLite, before anything connects
        CutoverRecord record = CutoverRecord.of(c);
        return EtcdAndSql.run(c, "ferry rollback", EtcdRoles.rollback(c), (etcd, sql) -> {
            if (freeze.abort) {
                CutoverRow l = Rollback.abort(etcd, CutoverConfig.of(c), record);
                System.out.println("Rollback aborted: SQL stays authoritative (F=" + l.freezeRevision() + "); reverse "
                        + "replication resumes, and SQL writers may resume.");
                return Ferry.EXIT_OK;
            }
            Rollback.Outcome done = new Rollback(etcd, sql, record, report -> RepairRecords.emit(c, etcd, report),
                    new TextSteps(System.out)).run(plan);
            System.out.printf("Rollback complete: etcd is authoritative again from revision RB=%d; forward replication "
                    + "resumed and the reconciler is clean. Downtime (freeze to record): %d ms.%n", done.revision(),
                    done.downtimeMs());
            return Ferry.EXIT_OK;
        });
    }
}
