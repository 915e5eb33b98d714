package io.ferry.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state module's statements against a real database (SQLite, in a file): the schema it
 * creates, and each reader and writer on it.
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
