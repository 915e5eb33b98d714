package io.ferry.cli;

import io.etcd.jetcd.Client;
import io.ferry.clients.EtcdClients;
import io.ferry.clients.EtcdGrant;
import io.ferry.clients.EtcdPermissionDenied;
import io.ferry.clients.JdbcConnections;
import io.ferry.core.config.FerryConfig;
import io.ferry.reconciler.sql.SqlTable;
import io.ferry.reconciler.sql.SqlTables;
import java.util.List;

/**
 * The frame of {@code ferry cutover} and {@code ferry rollback}: etcd and the generic table open, etcd reached, and
 * a refusal by etcd explained with the grants the command needs.
 */
final class EtcdAndSql {

    /** What runs inside the frame. */
    @FunctionalInterface
    interface Work {
        int run(Client etcd, SqlTable sql) throws Exception;
    }

    private EtcdAndSql() {
    }

    static int run(FerryConfig c, String command, List<EtcdGrant> needed, Work work) throws Exception {
        try (Client etcd = EtcdClients.build(c.etcd());
             SqlTable sql = SqlTables.open(JdbcConnections.sink(c), c.sink().table(), c.kafka().topic())) {
            EtcdClients.probe(etcd, c.etcd());
            return work.run(etcd, sql);
        } catch (RuntimeException e) {
            throw EtcdPermissionDenied.explain(e, c.etcd(), command, needed);
        }
    }
}
