package io.ferry.cli;

import io.etcd.jetcd.Client;
import io.ferry.cutover.CutoverRecord;
import io.ferry.cutover.FreezeMode;
import io.ferry.cutover.Rollback;
import io.ferry.cutover.SqlFence;
import io.ferry.clients.EtcdClients;
import io.ferry.clients.EtcdPermissionDenied;
import io.ferry.clients.EtcdRoles;
import io.ferry.clients.JdbcConnections;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.reconciler.sql.SqlTable;
import io.ferry.reconciler.sql.SqlTables;
import io.ferry.reverse.Authority;
import io.ferry.reverse.ReverseCapture;
import io.ferry.reverse.ReverseTarget;
import io.ferry.sink.dialect.SqlDialects;
import io.ferry.state.CutoverPhase;
import io.ferry.state.CutoverRow;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferry rollback}: make etcd authoritative again after a switch, losing none of SQL's writes. */
@Command(name = "rollback", header = "Roll back a switched cutover: etcd becomes authoritative again.", description = {"Roll back a switched cutover: freeze SQL writers, drain the reverse stream into",
    "etcd, mark etcd authoritative, verify etcd equals SQL, resume forward replication, release the slot.",
    "Prints each step with its timing and the downtime (freeze to record). A failure before etcd is",
    "authoritative leaves SQL authoritative."})
final class RollbackCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--freeze", defaultValue = "marker", paramLabel = "marker|external",
            description = "marker: the cutover row's phase rolling_back tells SQL writers to stop, and the rollback waits until "
                    + "the reverse stream is quiet (default). external: you have stopped them.")
    FreezeMode freeze;

    @Option(names = "--abort", description = "Undo a rollback that was interrupted before it recorded etcd as authoritative "
            + "(phase rolling_back): SQL stays authoritative, reverse replication and SQL writers resume.")
    boolean abort;

    @Override
    public Integer call() throws Exception {
        FerryConfig c = config.load();
        CutoverConfig cc = CutoverConfig.of(c);
        JdbcTarget target = JdbcConnections.sink(c);
        ReverseCapture capture = new ReverseCapture(ReverseTarget.of(c), cc.reverseSlot());
        try (Client etcd = EtcdClients.build(c.etcd()); SqlTable sql = SqlTables.open(target, c.sink().table(), c.kafka().topic())) {
            EtcdClients.probe(etcd, c.etcd());
            if (abort) {
                return abort(CutoverRecord.of(c), etcd, cc);
            }
            Rollback.Plan plan = new Rollback.Plan(c.etcd().prefixes(), freeze, bytes(cc.versionKey()),
                    bytes(cc.reversePositionKey()), bytes(cc.reverseFenceKey()), cc.ownKeys(), cc.quiet(), cc.timeout());
            new Rollback(etcd, sql, new SqlFence(target, c.sink().table(), SqlDialects.forKind(target.kind())),
                    CutoverRecord.of(c), capture, report -> RepairRecords.emit(c, etcd, report), System.out).run(plan);
            return Ferry.EXIT_OK;
        } catch (RuntimeException e) {
            throw EtcdPermissionDenied.explain(e, c.etcd(), "ferry rollback", EtcdRoles.rollback(c));
        }
    }

    /** etcd's version key goes back to what the switch wrote, then the record: the reverse writer may write again. */
    private static int abort(CutoverRecord record, Client etcd, CutoverConfig cc) throws Exception {
        CutoverRow l = record.latest().filter(x -> x.phase() == CutoverPhase.ROLLING_BACK)
                .orElseThrow(() -> new FerryException("no rollback is in progress (phase rolling_back): nothing to abort"));
        etcd.getKVClient().put(io.etcd.jetcd.ByteSequence.from(bytes(cc.versionKey())),
                io.etcd.jetcd.ByteSequence.from(Authority.switched(l.freezeRevision(), l.digest())))
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        record.rollbackFailed(l.id(), "aborted by ferry rollback --abort");
        System.out.println("Rollback aborted: SQL stays authoritative (F=" + l.freezeRevision() + "); reverse replication "
                + "resumes, and SQL writers may resume.");
        return Ferry.EXIT_OK;
    }


    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
