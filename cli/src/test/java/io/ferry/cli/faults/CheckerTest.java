package io.ferry.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker must catch each kind of violation it claims to, or a passing run proves nothing. */
class CheckerTest {

    private final KeyPool pool = new KeyPool(1, 20, 0);
    private final History history = new History(pool.size());
    private final Verdict verdict = new Verdict();
    private final Checker checker = new Checker(pool, history, verdict);
    private final Target target = new Target("db", null, null, List.of());

    @Test
    void aConsistentRunPasses() {
        put(0, 5, "a");
        put(0, 9, "b");
        delete(0, 12);
        put(1, 7, "c");
        checker.samples(target, List.of(sample(0, 5), sample(0, 9, 1, 7), sample(0, 0)));
        Map<ByteBuffer, Row> etcd = rows(row(1, "c", 7, 7, 1));
        checker.modelAgainstEtcd(etcd);
        checker.finalState(target, etcd, rows(row(1, "c", 7, 7, 1)), 12);
        checker.appliedOrSuperseded(target, rows(row(1, "c", 7, 7, 1)));
        assertTrue(verdict.passed(), verdict.summary());
    }

    @Test
    void aRowGoingBackIsCaught() {
        put(0, 5, "a");
        put(0, 9, "b");
        checker.samples(target, List.of(sample(0, 9), sample(0, 5)));
        assertViolation("mod_revision went backwards");
    }

    @Test
    void aDeletedKeyComingBackIsCaught() {
        put(1, 3, "a");
        delete(1, 6);
        checker.samples(target, List.of(sample(1, 3), sample(1, 0), sample(1, 3)));
        assertViolation("deleted key reappeared");
    }

    @Test
    void aRevisionThatWasNeverWrittenIsCaught() {
        put(2, 3, "a");
        checker.samples(target, List.of(sample(2, 7)));
        assertViolation("row at a revision that is no acknowledged put of its key");
    }

    @Test
    void aRowVanishingWithoutADeleteIsCaught() {
        put(3, 4, "a");
        checker.samples(target, List.of(sample(3, 4), sample(3, 0)));
        assertViolation("row vanished without a delete");
    }

    @Test
    void differentBytesMissingAndExtraRowsAreCaught() {
        Map<ByteBuffer, Row> etcd = rows(row(0, "a", 9, 9, 1), row(4, "x", 2, 2, 1));
        Map<ByteBuffer, Row> sql = rows(row(0, "b", 9, 9, 1), row(1, "y", 3, 3, 1));
        checker.finalState(target, etcd, sql, 9);
        assertViolation("final state: row differs (SQL vs etcd)");
        assertViolation("final state: row missing in SQL");
        assertViolation("final state: extra row in SQL");
    }

    @Test
    void anEmptyValueIsNotANull() {
        checker.finalState(target, rows(row(0, "", 9, 9, 1)), rows(new Row(pool.key(0), null, 9, 9, 1, 0)), 9);
        assertViolation("final state: row differs (SQL vs etcd)");
    }

    @Test
    void aLostWriteIsCaught() {
        put(5, 8, "a");
        put(5, 10, "b");
        checker.appliedOrSuperseded(target, rows(row(5, "a", 8, 8, 1)));
        assertViolation("lost: acknowledged write neither applied nor superseded");
    }

    @Test
    void aLostDeleteIsCaught() {
        put(6, 8, "a");
        delete(6, 10);
        checker.appliedOrSuperseded(target, rows(row(6, "a", 8, 8, 1)));
        assertViolation("lost: acknowledged write neither applied nor superseded");
    }

    private void assertViolation(String category) {
        @SuppressWarnings("unchecked")
        Map<String, Long> violations = (Map<String, Long>) verdict.toMap().get("violations");
        assertEquals(1L, violations.getOrDefault(category + " [db]", 0L), () -> "expected one '" + category + "': " + verdict.summary());
    }

    private void put(int key, long rev, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        Write last = history.last(key);
        boolean fresh = last == null || last.deleted();
        history.record(key, new Write(rev, false, v.length, WorkloadWorker.crc(v), fresh ? rev : last.createRevision(),
                fresh ? 1 : last.version() + 1, 0));
    }

    private void delete(int key, long rev) {
        history.record(key, Write.delete(rev));
    }

    private Row row(int key, String value, long create, long mod, long version) {
        return new Row(pool.key(key), value.getBytes(StandardCharsets.UTF_8), create, mod, version, 0);
    }

    private static Map<ByteBuffer, Row> rows(Row... rows) {
        Map<ByteBuffer, Row> m = new HashMap<>();
        for (Row r : rows) {
            m.put(ByteBuffer.wrap(r.key()), r);
        }
        return m;
    }

    /** A sample that changes the given keys: pairs of (key index, mod_revision or 0 for gone). */
    private static Sample sample(long... pairs) {
        int[] keys = new int[pairs.length / 2];
        long[] revs = new long[pairs.length / 2];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (int) pairs[2 * i];
            revs[i] = pairs[2 * i + 1];
        }
        return new Sample(0, keys, revs);
    }
}
