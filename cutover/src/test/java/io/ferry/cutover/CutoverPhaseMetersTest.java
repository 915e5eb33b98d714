package io.ferry.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.config.JdbcTarget;
import io.ferry.state.SchemaVersions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The phase gauges against a real (SQLite) database, the table as the sink creates it. */
class CutoverPhaseMetersTest {

    @TempDir
    Path dir;

    @Test
    void oneForTheLatestPhaseForwardBeforeAnyCutoverAndNoneWhenUnreadable() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("ferry.db");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CutoverRecord record = new CutoverRecord(JdbcTarget.parse(url), "t");
        try (CutoverPhaseMeters m = CutoverPhaseMeters.start(record, registry)) {
            m.refresh();
            assertEquals("forward", current(registry), "no table yet: no cutover was ever recorded");
            try (Connection c = DriverManager.getConnection(url)) {
                c.setAutoCommit(false);
                new SchemaVersions(JdbcTarget.Kind.SQLITE, e -> false).migrateState(c);
            }
            record.begin(1, 10);
            m.refresh();
            assertEquals("verifying", current(registry));
            record.switched(1, 2, 3, "digest");
            m.refresh();
            assertEquals("switched", current(registry));
        }
        assertTrue(registry.find("ferry.cutover.phase").gauges().isEmpty(), "removed on close");

        CutoverRecord unreadable = new CutoverRecord(JdbcTarget.parse("jdbc:sqlite:" + dir.resolve("no/such/dir/x.db")), "t");
        try (CutoverPhaseMeters m = CutoverPhaseMeters.start(unreadable, registry)) {
            m.refresh();
            assertEquals(0, registry.find("ferry.cutover.phase").gauges().stream().mapToDouble(Gauge::value).sum());
        }
    }

    private static String current(SimpleMeterRegistry registry) {
        var ones = registry.find("ferry.cutover.phase").gauges().stream().filter(g -> g.value() == 1).toList();
        assertEquals(1, ones.size(), "exactly one phase is 1");
        return ones.get(0).getId().getTag("phase");
    }
}
