package io.ferry.reconciler;

import static io.ferry.reconciler.EtcdFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.Client;
import io.ferry.core.config.JdbcTarget;
import io.ferry.reconciler.report.HtmlReport;
import io.ferry.reconciler.report.JsonReport;
import io.ferry.reconciler.report.ReportContext;
import io.ferry.reconciler.sql.SqlTable;
import io.ferry.reconciler.sql.SqlTables;
import io.ferry.testkit.SqlDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reconciler against real etcd and a real database: a faithful copy is clean, and every kind
 * of damage done to SQL is found exactly, with no false positives. Subclassed per database.
 */
@Timeout(300)
abstract class AbstractReconcilerIT {

    protected abstract SqlDatabase db();

    protected abstract Client etcd();

    private static final Set<Class<?>> PREPARED = new HashSet<>();

    @BeforeEach
    void tables() throws Exception {
        if (PREPARED.add(getClass())) {
            SqlFixture.createTables(db());
            SqlFixture.execute(db(), "INSERT INTO ferry_offsets (topic, partition_id, next_offset, watermark) VALUES ('t', 0, 0, 0)");
        }
    }

    @Test
    void faithfulCopyIsCleanIncludingBinaryKeys() throws Exception {
        long r = load("/clean/", 5000);
        sinkCaughtUpTo(r);

        ReconcileReport report = reconcile(List.of("/clean/"), ReconcileOptions.defaults().atRevision(r).withPageKeys(500));

        assertEquals(ReconcileReport.Verdict.CLEAN, report.verdict(), () -> sampleOf(report));
        assertEquals(5000 + BINARY_KEYS, report.etcdKeys());
        assertEquals(5000 + BINARY_KEYS, report.sqlRows());
        assertEquals(report.pages(), report.cleanPages(), "a clean copy must match at the first hash of every page");
    }

    @Test
    void everyKindOfDivergenceIsFoundExactly() throws Exception {
        long r = load("/dirty/", 3000);
        sinkCaughtUpTo(r);
        String k = SqlFixture.keyColumn(db());
        String v = SqlFixture.valueColumn(db());
        // missing: a row the sink lost
        SqlFixture.execute(db(), "DELETE FROM etcd_kv WHERE " + k + " = ?", (Object) utf8("/dirty/key-00100"));
        // mismatch: same revision, other bytes (corruption), also on a binary key with NUL and invalid UTF-8
        SqlFixture.execute(db(), "UPDATE etcd_kv SET " + v + " = ? WHERE " + k + " = ?", utf8("garbage"), utf8("/dirty/key-00200"));
        SqlFixture.execute(db(), "UPDATE etcd_kv SET " + v + " = ? WHERE " + k + " = ?", new byte[] {0, 1}, binaryKey("/dirty/", 1));
        // stale: rolled back to an older revision
        SqlFixture.execute(db(), "UPDATE etcd_kv SET mod_revision = mod_revision - 1 WHERE " + k + " = ?", (Object) utf8("/dirty/key-00300"));
        // extra: a key etcd never had, and one between two etcd keys
        SqlFixture.insert(db(), List.of(new Row(utf8("/dirty/zzz-never-in-etcd"), utf8("x"), 1, 1, 1, 0),
                new Row(utf8("/dirty/key-00400a"), utf8("y"), 1, 2, 1, 0)));
        // in flight: etcd changed after R and SQL already has the new state; not a difference
        long later = EtcdFixture.put(etcd(), utf8("/dirty/key-00500"), utf8("newer"));
        Row newer = EtcdFixture.readPrefix(etcd(), "/dirty/key-00500").get(0);
        SqlFixture.execute(db(), "UPDATE etcd_kv SET " + v + " = ?, mod_revision = ?, version = ? WHERE " + k + " = ?",
                newer.value(), later, newer.version(), utf8("/dirty/key-00500"));
        // ahead: SQL claims a revision after R that etcd never gave this key
        SqlFixture.execute(db(), "UPDATE etcd_kv SET mod_revision = ? WHERE " + k + " = ?", later + 1000, utf8("/dirty/key-00600"));

        ReconcileReport report = reconcile(List.of("/dirty/"), ReconcileOptions.defaults().atRevision(r).withPageKeys(400));

        Set<String> found = new HashSet<>();
        report.differences().forEach(l -> found.add(l.difference().kind().jsonName() + " "
                + io.ferry.core.event.Bytes.printable(l.difference().key())));
        assertEquals(Set.of("missing '/dirty/key-00100'", "mismatch '/dirty/key-00200'",
                "mismatch " + io.ferry.core.event.Bytes.printable(binaryKey("/dirty/", 1)),
                "stale '/dirty/key-00300'", "extra '/dirty/zzz-never-in-etcd'", "extra '/dirty/key-00400a'",
                "ahead '/dirty/key-00600'"), found);
        assertEquals(1, report.inFlight());
        assertEquals(ReconcileReport.Verdict.DIFFERENCES, report.verdict());

        // Where each lies in the key space, key by key (it once advanced a page at a time: every bar of the chart but one empty).
        Map<String, Long> position = new java.util.HashMap<>();
        report.differences().forEach(l -> position.put(io.ferry.core.event.Bytes.printable(l.difference().key()), l.position()));
        assertEquals(100, position.get("'/dirty/key-00200'") - position.get("'/dirty/key-00100'"), position.toString());
        assertEquals(100, position.get("'/dirty/key-00300'") - position.get("'/dirty/key-00200'"), position.toString());
        // A mismatch carries both values' digests; neither value is printed.
        Difference mismatch = report.differences().sample().stream().map(DifferenceLog.Located::difference)
                .filter(d -> java.util.Arrays.equals(d.key(), utf8("/dirty/key-00200"))).findFirst().orElseThrow();
        assertEquals(Difference.digest(utf8("garbage")), mismatch.sqlDigest());
        assertEquals(Difference.digest(EtcdFixture.readPrefix(etcd(), "/dirty/key-00200").get(0).value()), mismatch.etcdDigest());

        JsonNode json = new ObjectMapper().readTree(jsonOf(report, null));
        assertEquals("differences", json.get("verdict").asText());
        JsonNode missing = java.util.stream.StreamSupport.stream(json.get("differences").spliterator(), false)
                .filter(d -> d.get("kind").asText().equals("missing")).findFirst().orElseThrow();
        assertTrue(missing.get("sql_revision").isNull(), "SQL has no row: " + missing);
        assertEquals("etcd-cluster-1", json.get("etcd_cluster_id").asText());
        assertEquals(r, json.get("revision").asLong());
        assertEquals(2, json.get("counts").get("extra").asInt());
        assertEquals(7, json.get("differences").size());
        String html = htmlOf(report);
        assertTrue(html.contains("DIFFERENCES") && html.contains("/dirty/key-00300"), html);
    }

    @Test
    void sinkThatIsBehindIsReportedWithHowFarBehind() throws Exception {
        long r = load("/behind/", 10);
        SqlFixture.execute(db(), "UPDATE ferry_offsets SET watermark = ?", r - 3);

        ReconcileException e = assertThrows(ReconcileException.class, () -> reconcile(List.of("/behind/"),
                ReconcileOptions.defaults().atRevision(r).withWatermarkTimeout(Duration.ofMillis(500))));

        assertTrue(e.getMessage().contains("has not caught up with revision " + r), e.getMessage());
        assertTrue(e.getMessage().contains("3 revisions behind"), e.getMessage());
    }

    /**
     * Issue 22's drift: a database that also holds another pipeline's (or an old topic's) offsets.
     * The wait is on this topic's watermark only: the other topic's rows, far behind and on a
     * partition this topic does not have, neither hold it up nor, far ahead, release it.
     */
    @Test
    void waitsOnItsOwnTopicsWatermarkOnly() throws Exception {
        long r = load("/drift/", 5);
        sinkCaughtUpTo(r);
        try {
            SqlFixture.execute(db(), "INSERT INTO ferry_offsets (topic, partition_id, next_offset, watermark) VALUES "
                    + "('old.topic', 0, 0, 0)");
            SqlFixture.execute(db(), "INSERT INTO ferry_offsets (topic, partition_id, next_offset, watermark) VALUES "
                    + "('old.topic', 5, 0, 0)");

            ReconcileReport report = reconcile(List.of("/drift/"),
                    ReconcileOptions.defaults().atRevision(r).withWatermarkTimeout(Duration.ofSeconds(5)));

            assertEquals(ReconcileReport.Verdict.CLEAN, report.verdict(), () -> sampleOf(report));
            assertEquals(java.util.Map.of(0, r), report.watermarks(), "this topic's partitions, at this topic's watermark");

            SqlFixture.execute(db(), "UPDATE ferry_offsets SET watermark = ? WHERE topic = 'old.topic'", r + 100);
            SqlFixture.execute(db(), "UPDATE ferry_offsets SET watermark = ? WHERE topic = 't'", r - 2);

            ReconcileException e = assertThrows(ReconcileException.class, () -> reconcile(List.of("/drift/"),
                    ReconcileOptions.defaults().atRevision(r).withWatermarkTimeout(Duration.ofMillis(500))));

            assertTrue(e.getMessage().contains("2 revisions behind"), e.getMessage());
        } finally {
            SqlFixture.execute(db(), "DELETE FROM ferry_offsets WHERE topic = 'old.topic'");
        }
    }

    @Test
    void lateWritesAfterTheCutoverAreListedWithTheirSqlState() throws Exception {
        long before = load("/late/", 3);
        sinkCaughtUpTo(before);
        long f = before;
        long put = EtcdFixture.put(etcd(), utf8("/late/new-key"), utf8("written by an old writer"));
        long del = EtcdFixture.delete(etcd(), utf8("/late/key-00001"));
        long upd = EtcdFixture.put(etcd(), utf8("/late/key-00002"), utf8("replicated"));
        String k = SqlFixture.keyColumn(db());
        SqlFixture.execute(db(), "UPDATE etcd_kv SET mod_revision = ? WHERE " + k + " = ?", upd, utf8("/late/key-00002"));

        try (SqlTable sql = openSql()) {
            List<LateWrite> late = new LateWriteScanner(etcd().getKVClient(), etcd().getWatchClient(), sql).scan(List.of("/late/"), f,
                    new Reconciler(etcd().getKVClient(), sql, ProgressListener.NONE).currentRevision(List.of("/late/")), Duration.ofSeconds(30));

            assertEquals(List.of(put, del, upd), late.stream().map(LateWrite::revision).toList());
            assertEquals(List.of("/late/new-key", "/late/key-00001", "/late/key-00002"),
                    late.stream().map(w -> new String(w.key(), java.nio.charset.StandardCharsets.UTF_8)).toList());
            assertEquals(List.of(false, true, false), late.stream().map(LateWrite::deleted).toList());
            assertEquals(List.of(false, false, true), late.stream().map(LateWrite::sqlChangedSinceCutover).toList());
        }
    }

    @Test
    void emptySqlSideReportsEveryKeyMissingWithoutHoldingThemInMemory() throws Exception {
        long r = load("/empty/", 1200);
        String k = SqlFixture.keyColumn(db());
        SqlFixture.execute(db(), "DELETE FROM etcd_kv WHERE " + k + " >= ? AND " + k + " < ?", utf8("/empty/"), utf8("/empty0"));
        sinkCaughtUpTo(r);

        ReconcileReport report = reconcile(List.of("/empty/"), ReconcileOptions.defaults().atRevision(r).withPageKeys(100));

        assertEquals(1200 + BINARY_KEYS, report.counts().get(DifferenceKind.MISSING));
        assertEquals(DifferenceLog.SAMPLE_SIZE, report.differences().sample().size());
        long[] streamed = {0};
        report.differences().forEach(l -> streamed[0]++);
        assertEquals(1200 + BINARY_KEYS, streamed[0]);
    }

    // ---------------------------------------------------------------------------------------------

    static final int BINARY_KEYS = 3;

    /** Keys under the prefix: n text keys plus three binary ones (invalid UTF-8, NUL, 0xFF). Returns R. */
    private long load(String prefix, int n) throws Exception {
        List<byte[][]> kvs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            kvs.add(new byte[][] {utf8(String.format("%skey-%05d", prefix, i)), utf8("{\"i\":" + i + ",\"pad\":\"" + "x".repeat(i % 50) + "\"}")});
        }
        for (int i = 0; i < BINARY_KEYS; i++) {
            kvs.add(new byte[][] {binaryKey(prefix, i), new byte[] {(byte) 0xC3, 0x28, 0, (byte) i}});
        }
        EtcdFixture.putAll(etcd(), kvs);
        SqlFixture.insert(db(), EtcdFixture.readPrefix(etcd(), prefix));
        return new Reconciler(etcd().getKVClient(), null, ProgressListener.NONE).currentRevision(List.of(prefix));
    }

    static byte[] binaryKey(String prefix, int i) {
        byte[] p = utf8(prefix);
        byte[] k = java.util.Arrays.copyOf(p, p.length + 4);
        k[p.length] = (byte) 0xFF;
        k[p.length + 1] = 0;
        k[p.length + 2] = (byte) 0xC3;
        k[p.length + 3] = (byte) i;
        return k;
    }

    private void sinkCaughtUpTo(long r) throws Exception {
        SqlFixture.execute(db(), "UPDATE ferry_offsets SET watermark = ?", r);
    }

    private ReconcileReport reconcile(List<String> prefixes, ReconcileOptions options) throws Exception {
        try (SqlTable sql = openSql()) {
            return new Reconciler(etcd().getKVClient(), sql, ProgressListener.NONE).reconcile(prefixes, options);
        }
    }

    private SqlTable openSql() {
        JdbcTarget parsed = JdbcTarget.parse(db().jdbcUrl());
        JdbcTarget target = new JdbcTarget(parsed.kind(), parsed.jdbcUrl(), java.util.Optional.ofNullable(db().user()),
                java.util.Optional.ofNullable(db().password()));
        return SqlTables.open(target, SqlFixture.TABLE, SqlFixture.TOPIC);
    }

    /** The audit facts the command would give; the tests of the command check the real ones. */
    static final ReportContext CONTEXT = new ReportContext(Instant.now(), "etcd-cluster-1", List.of("http://127.0.0.1:2379"),
            "postgres://127.0.0.1:5432/test", SqlFixture.TABLE, "test", List.of(), null, Map.of());

    private static String jsonOf(ReconcileReport r, List<LateWrite> late) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonReport.write(r, late, CONTEXT, out);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String htmlOf(ReconcileReport r) {
        StringWriter s = new StringWriter();
        HtmlReport.write(r, null, CONTEXT, new PrintWriter(s));
        return s.toString();
    }

    private static String sampleOf(ReconcileReport r) {
        return r.differences().sample().stream().map(Object::toString).collect(Collectors.joining("\n"));
    }
}
