package io.ferry.bench;

import io.etcd.jetcd.Client;
import io.ferry.clients.EtcdClients;
import io.ferry.clients.JdbcConnections;
import io.ferry.core.config.FerryConfig;
import io.ferry.reconciler.ReconcileOptions;
import io.ferry.reconciler.ReconcileReport;
import io.ferry.reconciler.Reconciler;
import io.ferry.reconciler.sql.SqlTable;
import io.ferry.reconciler.sql.SqlTables;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reconcile scenario's child JVM, started with a capped heap so that the reconciler's bounded
 * memory is tested, not assumed. Reads etcd raw (the reference), reconciles, reads raw again, and
 * prints one {@code RESULT key=value ...} line; a {@code PHASE name} line marks the start of the reconcile,
 * of the second raw read and the end of that read.
 *
 * <p>Arguments: etcd endpoint, prefix, revision, change topic, JDBC URL, user, password (may be empty).
 */
public final class ReconcileChild {

    static final String RESULT = "RESULT ";
    /** A line that starts a phase: the parent reads every process's CPU time when it sees one. */
    static final String PHASE = "PHASE ";

    private ReconcileChild() {
    }

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String prefix = args[1];
        long revision = Long.parseLong(args[2]);
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("etcd.endpoints", endpoint);
        flat.put("etcd.prefix", prefix);
        // The reconciler waits for the watermark of this topic's partitions (issue 22).
        flat.put("kafka.topic", args[3]);
        flat.put("sink.jdbc", args[4]);
        if (args.length > 5 && !args[5].isEmpty()) {
            flat.put("sink.user", args[5]);
        }
        if (args.length > 6 && !args[6].isEmpty()) {
            flat.put("sink.password", args[6]);
        }
        FerryConfig config = FerryConfig.fromMap(flat);
        Map<String, Object> out = new LinkedHashMap<>();
        try (Client etcd = EtcdClients.build(config.etcd());
             SqlTable sql = SqlTables.open(JdbcConnections.sink(config), config.sink().table(), config.kafka().topic())) {
            RawRangeRead.Result before = RawRangeRead.read(etcd.getKVClient(), prefix, revision);
            MemoryWatch.reset();
            phase("reconcile");
            long start = System.nanoTime();
            ReconcileReport report = new Reconciler(etcd.getKVClient(), sql, (done, total, diffs) -> { })
                    .reconcile(List.of(prefix), ReconcileOptions.defaults()
                            .withWatermarkTimeout(Duration.ofSeconds(60)).atRevision(revision));
            double seconds = (System.nanoTime() - start) / 1e9;
            phase("raw_read");
            double heap = MemoryWatch.peakHeapMiB();
            double rss = MemoryWatch.peakRssMiB("self");
            RawRangeRead.Result after = RawRangeRead.read(etcd.getKVClient(), prefix, revision);
            phase("end");
            out.put("keys", report.etcdKeys());
            out.put("verdict", report.verdict().name());
            out.put("differences", report.differences().total());
            out.put("reconcile_seconds", seconds);
            out.put("raw_read_seconds_before", before.seconds());
            out.put("raw_read_seconds_after", after.seconds());
            out.put("max_heap_mib", Runtime.getRuntime().maxMemory() / 1048576.0);
            out.put("peak_heap_mib", heap);
            out.put("peak_rss_mib", rss);
        }
        StringBuilder line = new StringBuilder(RESULT);
        out.forEach((k, v) -> line.append(k).append('=').append(v).append(' '));
        System.out.println(line.toString().trim());
        System.exit(0);
    }

    private static void phase(String name) {
        System.out.println(PHASE + name);
        System.out.flush();
    }
}
