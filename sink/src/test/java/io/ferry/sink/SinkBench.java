package io.ferry.sink;

import io.ferry.core.config.FerryConfig;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.KeyValue;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The bench scenario of issue 4, run by hand, never a timed test:
 * {@code java -cp <sink test classpath> io.ferry.sink.SinkBench postgres 200000}.
 *
 * <p>Pre-fills a topic with N creates and then N updates of the same keys, and measures how fast
 * the sink applies each, next to the server-side baseline of the same rows in the same run:
 * {@code INSERT ... SELECT} for the creates and a revision-guarded {@code INSERT ... SELECT ... ON
 * CONFLICT} (or ON DUPLICATE KEY) update for the updates. It prints the rates and their ratio.
 */
public final class SinkBench {

    private SinkBench() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "postgres";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        try (KafkaBroker kafka = new KafkaBroker();
             SqlDatabase db = switch (kind) {
                 case "mariadb" -> SqlDatabase.mariadb();
                 case "sqlite" -> SqlDatabase.sqlite();
                 default -> SqlDatabase.postgres();
             }) {
            kafka.start();
            db.start();
            kafka.createTopic("bench", 6, Map.of());
            Map<String, Object> settings = new HashMap<>();
            settings.put("kafka.bootstrap", kafka.bootstrapServers());
            settings.put("kafka.topic", "bench");
            settings.put("sink.jdbc", db.jdbcUrl());
            if (!db.user().isEmpty()) {
                settings.put("sink.user", db.user());
            }
            if (!db.password().isEmpty()) {
                settings.put("sink.password", db.password());
            }
            FerryConfig config = FerryConfig.fromMap(settings);
            EtcdModel model = new EtcdModel(1);
            Random random = new Random(1);
            try (TopicWriter w = new TopicWriter(kafka.bootstrapServers(), "bench", 6)) {
                double sinkCreates = applyRate(config, fill(w, model, random, n), n);
                double sinkUpdates = applyRate(config, fill(w, model, random, n), n);
                double[] baseline = baseline(db, n);
                System.out.printf("%s, %d rows: sink creates %.0f rows/s vs INSERT ... SELECT %.0f rows/s (%.0f%%); "
                        + "sink guarded updates %.0f rows/s vs server-side guarded upsert %.0f rows/s (%.0f%%)%n", kind, n,
                        sinkCreates, baseline[0], 100 * sinkCreates / baseline[0], sinkUpdates, baseline[1],
                        100 * sinkUpdates / baseline[1]);
            }
        }
    }

    private static long fill(TopicWriter w, EtcdModel model, Random random, int n) {
        for (int i = 0; i < n; i++) {
            byte[] value = new byte[100];
            random.nextBytes(value);
            KeyValue kv = model.put(String.format("/bench/key-%08d", i).getBytes(), value);
            w.put(kv);
            if (i % 1000 == 999) {
                w.commit();
            }
        }
        w.control(ControlRecord.Kind.WATERMARK, model.revision());
        w.commit();
        return model.revision();
    }

    /**
     * Starts a sink on the pre-filled topic and measures from its first commit to the watermark:
     * consumer start-up and the group join are not the sink's apply rate.
     */
    private static double applyRate(FerryConfig config, long revision, int n) throws InterruptedException {
        long before = offsets(config);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (JdbcSink sink = JdbcSink.create(config, registry)) {
            sink.start();
            while (offsets(config) == before) {
                Thread.sleep(5); // a bench, not a test: polling the stored state is the measurement
            }
            long start = System.nanoTime();
            long first = offsets(config) - before;
            while (SinkState.read(config).watermarks().size() < 6 || SinkState.read(config).minWatermark() < revision) {
                Thread.sleep(20); // likewise: the end of the run is what is timed
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("applied %d records in %.2f s after the first commit; SQL time %.2f s in %d batches%n",
                    n - first, seconds, registry.get("ferry.sink.commit.time").timer().totalTime(
                            java.util.concurrent.TimeUnit.MILLISECONDS) / 1000, registry.get("ferry.sink.commit.time")
                            .timer().count());
            return (n - first) / seconds;
        }
    }

    private static long offsets(FerryConfig config) {
        return SinkState.read(config).offsets().values().stream().mapToLong(o -> Math.max(o, 0)).sum();
    }

    /** Server-side copies of the sink's own rows: creates into an empty table, then guarded updates. */
    private static double[] baseline(SqlDatabase db, int n) throws Exception {
        boolean mysql = db.kind() == SqlDatabase.Kind.MARIADB || db.kind() == SqlDatabase.Kind.MYSQL;
        String k = mysql ? "`key`" : "\"key\"";
        String v = mysql ? "`value`" : "\"value\"";
        String cols = k + ", " + v + ", create_revision, mod_revision, version, lease";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE base AS SELECT * FROM etcd_kv WHERE 1 = 0");
            s.execute(mysql ? "ALTER TABLE base ADD PRIMARY KEY (" + k + ")" : db.kind() == SqlDatabase.Kind.SQLITE
                    ? "CREATE UNIQUE INDEX base_key ON base (" + k + ")" : "ALTER TABLE base ADD PRIMARY KEY (" + k + ")");
            long t0 = System.nanoTime();
            s.execute("INSERT INTO base (" + cols + ") SELECT " + k + ", " + v
                    + ", create_revision, mod_revision - 1, version, lease FROM etcd_kv");
            double creates = n / ((System.nanoTime() - t0) / 1e9);
            String upsert = mysql
                    ? "INSERT INTO base (" + cols + ") SELECT " + cols + " FROM etcd_kv e ON DUPLICATE KEY UPDATE "
                    + v + " = IF(e.mod_revision > base.mod_revision, e." + v + ", base." + v + "), mod_revision = "
                    + "IF(e.mod_revision > base.mod_revision, e.mod_revision, base.mod_revision)"
                    : "INSERT INTO base (" + cols + ") SELECT " + cols + " FROM etcd_kv WHERE true ON CONFLICT (" + k
                    + ") DO UPDATE SET " + v + " = excluded." + v + ", mod_revision = excluded.mod_revision WHERE "
                    + "base.mod_revision < excluded.mod_revision";
            long t1 = System.nanoTime();
            s.execute(upsert);
            double updates = n / ((System.nanoTime() - t1) / 1e9);
            return new double[] {creates, updates};
        }
    }
}
