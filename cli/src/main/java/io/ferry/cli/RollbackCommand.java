package io.ferry.cli;

import io.etcd.jetcd.Client;
import io.ferry.cli.cutover.CutoverRecord;
import io.ferry.cli.cutover.FreezeMode;
import io.ferry.cli.cutover.Rollback;
import io.ferry.cli.cutover.SqlFence;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.reconciler.sql.SqlTable;
import io.ferry.reconciler.sql.SqlTables;
import io.ferry.reverse.ReverseCapture;
import io.ferry.reverse.ReverseTarget;
import io.ferry.sink.dialect.SqlDialects;
import io.ferry.watcher.engine.EtcdClients;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferry rollback}: make etcd authoritative again after a switch, losing none of SQL's writes. */
@Command(name = "rollback", description = {"Roll back a switched cutover: freeze SQL writers, drain the reverse stream into",
    "etcd, mark etcd authoritative, verify etcd equals SQL, resume forward replication, release the slot.",
    "Prints each step with its timing and the downtime (freeze to record). A failure before etcd is",
    "authoritative leaves SQL authoritative."})
final class RollbackCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--freeze", defaultValue = "marker", paramLabel = "marker|external",
            description = "marker: the cutover row's phase rolling_back tells SQL writers to stop, and the rollback waits until "
                    + "the reverse stream is quiet (default). external: you have stopped them.")
    String freeze;

    @Override
    public Integer call() throws Exception {
        FerryConfig c = config.load();
        CutoverConfig cc = CutoverConfig.of(c);
        JdbcTarget target = JdbcTarget.of(c.sink());
        ReverseCapture capture = new ReverseCapture(ReverseTarget.of(target, c.sink().table()), cc.reverseSlot());
        try (Client etcd = EtcdClients.build(c.etcd()); SqlTable sql = SqlTables.open(target, c.sink().table())) {
            EtcdClients.probe(etcd, c.etcd(), new byte[] {0});
            Rollback.Plan plan = new Rollback.Plan(c.etcd().prefixes(), mode(), bytes(cc.versionKey()),
                    bytes(cc.reversePositionKey()), bytes(cc.reverseFenceKey()), cc.ownKeys(), cc.quiet(), cc.timeout());
            new Rollback(etcd, sql, new SqlFence(target, c.sink().table(), SqlDialects.forKind(target.kind())),
                    CutoverRecord.of(c), capture, report -> RepairRecords.emit(c, etcd, report), System.out).run(plan);
            return Ferry.EXIT_OK;
        }
    }

    private FreezeMode mode() {
        try {
            return FreezeMode.valueOf(freeze.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new FerryException("--freeze must be 'marker' or 'external', not '" + freeze + "'");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
