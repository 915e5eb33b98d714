package io.ferry.cli;

import io.etcd.jetcd.Client;
import io.ferry.cutover.Cutover;
import io.ferry.cutover.CutoverRecord;
import io.ferry.cutover.FreezeMode;
import io.ferry.cutover.SqlFence;
import io.ferry.clients.EtcdClients;
import io.ferry.clients.EtcdPermissionDenied;
import io.ferry.clients.EtcdRoles;
import io.ferry.clients.JdbcConnections;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.reconciler.sql.SqlTable;
import io.ferry.reconciler.sql.SqlTables;
import io.ferry.reverse.ReverseCapture;
import io.ferry.reverse.ReverseTarget;
import io.ferry.sink.dialect.SqlDialects;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferry cutover}: make SQL authoritative, with measured downtime; or {@code --abort} a freeze. */
@Command(name = "cutover", header = "Cut over from etcd to SQL, with its downtime measured; any failure aborts.", description = {"Cut over from etcd to SQL: pre-check, verify online at R0, freeze, drain to F,",
    "verify (R0, F] only, switch. Prints each step with its timing and the downtime (freeze to switch).",
    "Any failure aborts: the freeze is undone and etcd stays authoritative."})
final class CutoverCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--freeze", defaultValue = "marker", paramLabel = "marker|external",
            description = "marker: write the freeze marker that cooperating writers watch (default). "
                    + "external: you have stopped the writers; wait until etcd is quiet.")
    FreezeMode freeze;

    @Option(names = "--without-rollback", description = "Cut over without opening the rollback path (no replication slot or "
            + "binlog position): after the switch, ferry rollback is then impossible. Implied on SQLite.")
    boolean withoutRollback;

    @Option(names = "--abort", description = "Undo a freeze left by an interrupted cutover: delete the marker, record the abort.")
    boolean abort;

    @Override
    public Integer call() throws Exception {
        FerryConfig c = config.load();
        CutoverConfig cc = CutoverConfig.of(c);
        JdbcTarget target = JdbcConnections.sink(c);
        CutoverRecord record = CutoverRecord.of(c);
        try (Client etcd = EtcdClients.build(c.etcd()); SqlTable sql = SqlTables.open(target, c.sink().table(), c.kafka().topic())) {
            EtcdClients.probe(etcd, c.etcd());
            if (abort) {
                etcd.getKVClient().delete(io.etcd.jetcd.ByteSequence.from(cc.markerKey(), StandardCharsets.UTF_8))
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
                var id = record.abortOpen("aborted by ferry cutover --abort");
                System.out.println("Freeze marker " + cc.markerKey() + " deleted; writers may resume. "
                        + id.map(i -> "Cutover " + i + " recorded as aborted.").orElse("No open cutover was recorded."));
                return Ferry.EXIT_OK;
            }
            Cutover.Plan plan = new Cutover.Plan(c.etcd().prefixes(), freeze, bytes(cc.markerKey()), bytes(cc.versionKey()), bytes(cc.fenceKey()),
                    cc.maxLag(), cc.quiet(), cc.timeout(), rollbackPath(target, c, cc));
            new Cutover(etcd, sql, record, System.out).run(plan);
            return Ferry.EXIT_OK;
        } catch (RuntimeException e) {
            throw EtcdPermissionDenied.explain(e, c.etcd(), "ferry cutover", EtcdRoles.cutover(c));
        }
    }

    private Cutover.RollbackPath rollbackPath(JdbcTarget target, FerryConfig c, CutoverConfig cc) {
        if (withoutRollback || target.kind() == JdbcTarget.Kind.SQLITE) {
            return null;
        }
        return new Cutover.RollbackPath(new ReverseCapture(ReverseTarget.of(c), cc.reverseSlot()),
                new SqlFence(target, c.sink().table(), SqlDialects.forKind(target.kind())), bytes(cc.reversePositionKey()),
                bytes(cc.reverseProbeKey()));
    }


    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
