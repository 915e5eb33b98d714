package io.ferry.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.KeyRanges;
import io.ferry.core.config.JdbcTarget;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state module's statements against a real database (SQLite, in a file): the schema it
 * creates, and each reader and writer on it; and the upsert builder's form on each database.
 */
class StateTablesTest {

    private static final JdbcTarget.Kind SQLITE = JdbcTarget.Kind.SQLITE;

    @TempDir
    Path dir;

    private Connection c;

    @BeforeEach
    void database() throws SQLException {
        c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ferry.db"));
        c.setAutoCommit(false);
        new SchemaVersions(SQLITE, e -> false).migrateState(c);
    }

    @Test
    void migratingTwiceChangesNothing() throws SQLException {
        new SchemaVersions(SQLITE, e -> false).migrateState(c);

        assertEquals(new StateSchema(SQLITE).migrations().size(), count("SELECT MAX(\"version\") FROM "
                + StateTables.SCHEMA_VERSION + " WHERE component = '" + StateSchema.COMPONENT + "'"));
        assertEquals(new StateSchema(SQLITE).migrations().size(), count("SELECT COUNT(*) FROM " + StateTables.SCHEMA_VERSION));
    }

    @Test
    void offsetsAreReadForTheirOwnTopicOnly() throws Exception {
        offset("mine", 0, 40);
        offset("mine", 1, 42);
        offset("old", 0, 3);
        offset("old", 7, 3);

        SinkOffsets mine = new SinkOffsets(c, SQLITE, "mine");

        assertEquals(Map.of(0, 40L, 1, 42L), mine.watermarks().byPartition());
        assertEquals(40, mine.watermarks().min());
        assertEquals(Map.of(0, 3L, 7, 3L), new SinkOffsets(c, SQLITE, "old").watermarks().byPartition());
        assertTrue(new SinkOffsets(c, SQLITE, "none").watermarks().isEmpty());
        assertTrue(mine.awaitWatermark(40, Duration.ofSeconds(5)).reached(40), "its own topic is at 40");
        assertFalse(mine.awaitWatermark(41, Duration.ofMillis(100)).reached(41), "one partition is at 40 only");
    }

    @Test
    void noWatermarkBeforeTheSinkCreatedItsTables() throws Exception {
        try (Connection empty = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("empty.db"))) {
            Watermarks marks = new SinkOffsets(empty, SQLITE, "mine").awaitWatermark(0, Duration.ofMillis(50));

            assertTrue(marks.isEmpty());
            assertFalse(marks.reached(0), "no watermark has reached anything");
            assertEquals(-1, marks.min());
        }
    }

    @Test
    void aCutoverGoesThroughItsPhasesForItsTopicOnly() throws SQLException {
        CutoverTable mine = new CutoverTable(SQLITE, "mine");
        CutoverTable other = new CutoverTable(SQLITE, "other");
        mine.begin(c, 1, 10);
        assertEquals(Optional.of(1L), mine.open(c));
        mine.frozen(c, 1, 20, 1000);
        assertEquals(0, mine.switchedAt(c), "etcd is authoritative until the switch");
        mine.switched(c, 1, 2000, 55, "digest");
        other.begin(c, 2, 5);

        CutoverRow row = mine.latest(c).orElseThrow();
        assertEquals(new CutoverRow(1, CutoverPhase.SWITCHED, 10, 20, 55, null, 0, 0, 0, "digest"), row);
        assertEquals(20, mine.switchedAt(c));
        assertEquals(Optional.of(new CutoverTable.Current(1, CutoverPhase.SWITCHED)), mine.current(c));
        assertEquals(Optional.empty(), mine.open(c));
        assertEquals(0, other.switchedAt(c), "another topic's cutover has not switched");
        assertEquals(Optional.of(2L), other.open(c));

        mine.rollingBack(c, 1);
        assertEquals(20, mine.switchedAt(c), "SQL stays authoritative while a rollback runs");
        mine.rolledBack(c, 1, 30, 77);
        assertEquals(0, mine.switchedAt(c));
        CutoverRow rolledBack = mine.latest(c).orElseThrow();
        assertEquals(CutoverPhase.ROLLED_BACK, rolledBack.phase());
        assertEquals(30, rolledBack.rollbackRevision());
        assertEquals(77, rolledBack.rollbackDowntimeMs());

        other.aborted(c, 2, "x".repeat(3000));
        assertEquals(1903, other.latest(c).orElseThrow().reason().length(), "a reason is cut to fit its column");
    }

    @Test
    void aLateWriteIsRecordedOnce() throws SQLException {
        LateWritesTable late = new LateWritesTable(SQLITE, "mine");
        byte[] key = {1, 2};
        try (PreparedStatement insert = late.prepareInsert(c); PreparedStatement recorded = late.prepareRecorded(c)) {
            assertFalse(late.recorded(recorded, 9, key));
            late.add(insert, 0, 100, key, "put", 9, 1234, 5678);
            insert.executeBatch();
            assertTrue(late.recorded(recorded, 9, key));
            assertFalse(late.recorded(recorded, 10, key));
        }
        assertEquals(1, late.count(c));
        assertEquals(0, new LateWritesTable(SQLITE, "other").count(c));
    }

    @Test
    void thePhasePredicates() {
        assertEquals(List.of(CutoverPhase.SWITCHED, CutoverPhase.ROLLING_BACK, CutoverPhase.FINISHED),
                CutoverPhase.SQL_AUTHORITATIVE);
        assertEquals(List.of(CutoverPhase.SWITCHED, CutoverPhase.ROLLING_BACK),
                List.of(CutoverPhase.values()).stream().filter(CutoverPhase::bakePeriod).toList());
        assertEquals(List.of(CutoverPhase.VERIFYING, CutoverPhase.FROZEN),
                List.of(CutoverPhase.values()).stream().filter(CutoverPhase::underWay).toList());
    }

    @Test
    void identifiersAreQuotedAsEachDatabaseWants() {
        assertEquals("`key`", new StateSql(JdbcTarget.Kind.MYSQL).quote("key"));
        assertEquals("\"s\".\"ferry_offsets\"", new StateSql(JdbcTarget.Kind.POSTGRES).quote("s.ferry_offsets"));
        assertEquals("\"a\"\"b\"", new StateSql(SQLITE).quote("a\"b"));
    }

    @Test
    void anOffsetMovesOnlyFromWhereItWas() throws SQLException {
        OffsetsTable offsets = new OffsetsTable(SQLITE, "t");
        offsets.ensure(c, List.of(0, 1));
        offsets.ensure(c, List.of(0));
        assertEquals(Map.of(0, new OffsetsTable.Progress(-1, 0, 0, 0), 1, new OffsetsTable.Progress(-1, 0, 0, 0)),
                offsets.read(c));

        OffsetsTable.Progress next = new OffsetsTable.Progress(10, 7, 2, 5);
        assertTrue(offsets.advance(c, 0, -1, next, 1000));
        assertFalse(offsets.advance(c, 0, -1, next, 1000), "no longer at -1");
        assertEquals(10, offsets.nextOffset(c, 0));
        assertEquals(-2, offsets.nextOffset(c, 9));
        assertEquals(7, new SinkOffsets(c, SQLITE, "t").watermarks().byPartition().get(0));

        offsets.rewind(c, Map.of(0, 3L), 2000);
        assertEquals(new OffsetsTable.Progress(3, 7, 0, 0), offsets.read(c).get(0));
        assertTrue(new OffsetsTable(SQLITE, "other").read(c).isEmpty());
    }

    @Test
    void aTombstoneKeepsTheNewestDeleteAndIsPurgedByAge() throws SQLException {
        TombstonesTable tombstones = new TombstonesTable(SQLITE);
        byte[] a = {1};
        byte[] b = {2};
        tombstone(tombstones, a, 5, 100);
        tombstone(tombstones, a, 3, 100);
        tombstone(tombstones, b, 9, 500);

        assertEquals(OptionalLong.of(5), tombstones.revision(c, a));
        assertEquals(OptionalLong.empty(), tombstones.revision(c, new byte[] {3}));
        assertTrue(tombstones.any(c));
        List<byte[]> after = tombstones.keysAfter(c, new byte[0], KeyRanges.ALL_KEYS_END, 5);
        assertEquals(1, after.size());
        assertArrayEquals(b, after.get(0));
        assertTrue(tombstones.keysAfter(c, new byte[0], new byte[] {2}, 0).stream().noneMatch(k -> k[0] == 2),
                "the range's end is left out");

        assertEquals(new TombstonesTable.Purged(1, 5), tombstones.purge(c, 200));
        assertEquals(new TombstonesTable.Purged(0, -1), tombstones.purge(c, 200));
        assertEquals(OptionalLong.empty(), tombstones.revision(c, a));
    }

    @Test
    void aSweepListsCandidatesPerPartition() throws SQLException {
        SweepTable sweep = new SweepTable(SQLITE);
        try (PreparedStatement ps = c.prepareStatement(sweep.insert())) {
            for (int i = 0; i < 3; i++) {
                ps.setBytes(1, new byte[] {(byte) i});
                ps.setInt(2, i % 2);
                ps.setLong(3, 1);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        assertEquals(Map.of(0, 2L, 1, 1L), sweep.counts(c));
        try (PreparedStatement ps = c.prepareStatement(sweep.unlist())) {
            ps.setBytes(1, new byte[] {0});
            ps.executeUpdate();
        }
        assertEquals(1, sweep.keys(c, 0).size());
        sweep.clear(c, 0);
        assertEquals(Map.of(1, 1L), sweep.counts(c));
        sweep.clearAll(c);
        assertTrue(sweep.counts(c).isEmpty());
    }

    @Test
    void aMetaValueIsReplaced() throws SQLException {
        MetaTable meta = new MetaTable(SQLITE);
        assertEquals(-1, meta.read(c, "x"));
        meta.write(c, "x", 4);
        meta.write(c, "x", 2);
        assertEquals(2, meta.read(c, "x"));
    }

    @Test
    void theUpsertTakesEachDatabasesForm() {
        List<String> columns = List.of("key", "mod_revision", "doc");
        assertEquals("INSERT INTO \"t\" AS t (\"key\", \"mod_revision\", \"doc\") VALUES (?, ?, ?) ON CONFLICT (\"key\") "
                + "DO UPDATE SET \"mod_revision\" = EXCLUDED.\"mod_revision\", \"doc\" = EXCLUDED.\"doc\" "
                + "WHERE t.\"mod_revision\" < EXCLUDED.\"mod_revision\"", guarded(JdbcTarget.Kind.POSTGRES, columns, false));
        assertEquals("INSERT INTO \"t\" (\"key\", \"mod_revision\", \"doc\") VALUES (?, ?, ?) ON CONFLICT (\"key\") "
                + "DO UPDATE SET \"mod_revision\" = excluded.\"mod_revision\", \"doc\" = excluded.\"doc\" "
                + "WHERE \"mod_revision\" <= excluded.\"mod_revision\"", guarded(SQLITE, columns, true));
        assertEquals("INSERT INTO `t` (`key`, `mod_revision`, `doc`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
                + "`doc` = IF(VALUES(`mod_revision`) > `mod_revision`, VALUES(`doc`), `doc`), "
                + "`mod_revision` = IF(VALUES(`mod_revision`) > `mod_revision`, VALUES(`mod_revision`), `mod_revision`)",
                guarded(JdbcTarget.Kind.MYSQL, columns, false), "the revision is assigned last");
        assertEquals("INSERT INTO `m` VALUES (?, ?) ON DUPLICATE KEY UPDATE `value` = VALUES(`value`)",
                Upsert.into(new StateSql(JdbcTarget.Kind.MYSQL), "m").values(2).key("name").update(List.of("value")).sql());
        assertEquals("INSERT INTO `o` SELECT 1 FROM DUAL WHERE 1 = 1",
                Upsert.into(new StateSql(JdbcTarget.Kind.MYSQL), "o").valuesWhere(List.of("1"), "1 = 1").ifAbsent()
                        .replace("INSERT IGNORE", "INSERT"));
    }

    private static String guarded(JdbcTarget.Kind kind, List<String> columns, boolean orSame) {
        return Upsert.into(new StateSql(kind), "t").columns(columns).values(3).newer("mod_revision", orSame, "t").sql();
    }

    private void tombstone(TombstonesTable tombstones, byte[] key, long revision, long deletedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(tombstones.upsert())) {
            ps.setBytes(1, key);
            ps.setLong(2, revision);
            ps.setLong(3, deletedAt);
            ps.executeUpdate();
        }
    }

    private void offset(String topic, int partition, long watermark) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + StateTables.OFFSETS + " VALUES (?, ?, 0, ?, 0, 0, 0)")) {
            ps.setString(1, topic);
            ps.setInt(2, partition);
            ps.setLong(3, watermark);
            ps.executeUpdate();
        }
        c.commit();
    }

    private long count(String sql) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
