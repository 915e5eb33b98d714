package io.ferry.reconciler;

import io.etcd.jetcd.Client;
import io.ferry.core.config.JdbcTarget;
import io.ferry.reconciler.sql.SqlTable;
import io.ferry.reconciler.sql.SqlTables;
import java.util.List;

/**
 * Runs one reconciliation in a JVM of its own, so {@link BoundedMemoryIT} can cap its heap.
 * Arguments: etcd endpoint, JDBC URL, prefix, revision. Prints the counts on one line.
 */
public final class BoundedMemoryMain {

    private BoundedMemoryMain() {
    }

    public static void main(String[] args) throws Exception {
        try (Client etcd = Client.builder().endpoints(args[0]).maxInboundMessageSize(Integer.MAX_VALUE).build();
             SqlTable sql = SqlTables.open(JdbcTarget.parse(args[1]), SqlFixture.TABLE, SqlFixture.TOPIC)) {
            ReconcileReport r = new Reconciler(etcd.getKVClient(), sql, ProgressListener.NONE)
                    .reconcile(List.of(args[2]), ReconcileOptions.defaults().atRevision(Long.parseLong(args[3])));
            Runtime rt = Runtime.getRuntime();
            System.out.printf("etcd_keys=%d sql_rows=%d missing=%d total=%d max_heap_mb=%d%n", r.etcdKeys(), r.sqlRows(),
                    r.counts().get(DifferenceKind.MISSING), r.differences().total(), rt.maxMemory() >> 20);
        }
    }
}
