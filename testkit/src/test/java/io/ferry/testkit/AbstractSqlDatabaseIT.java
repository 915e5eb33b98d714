package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The same round trip through every database: bytes that are not text must come back exactly. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // the subclasses' own, for a subclass that forgets one
abstract class AbstractSqlDatabaseIT {

    /** NUL, an invalid UTF-8 sequence (0xC3 0x28), a lone continuation byte and 0xFF. */
    static final byte[] AWKWARD = {'a', 0, (byte) 0xc3, (byte) 0x28, (byte) 0x80, (byte) 0xff, 0, 'z'};

    abstract SqlDatabase db();

    abstract String blobType();

    @Test
    void bytesWithNulAndInvalidUtf8ComeBackExactly() throws Exception {
        try (Connection c = db().connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kit_bytes (id int PRIMARY KEY, v " + blobType() + " NOT NULL)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kit_bytes (id, v) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setBytes(2, AWKWARD);
                ps.executeUpdate();
                ps.setInt(1, 2);
                ps.setBytes(2, new byte[0]);
                ps.executeUpdate();
            }
        }
        // A second connection proves the bytes went through the server, not a client cache.
        try (Connection c = db().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, v FROM kit_bytes ORDER BY id")) {
            assertTrue(rs.next());
            assertArrayEquals(AWKWARD, rs.getBytes(2));
            assertTrue(rs.next());
            assertEquals(0, rs.getBytes(2).length);
            assertFalse(rs.next());
        }
    }

    @Test
    void databaseIsFreshAndNamedForTheClass() throws Exception {
        String name = db().databaseName();
        assertTrue(name.startsWith("ferry_" + getClass().getSimpleName().toLowerCase()), name);
        assertTrue(db().jdbcUrl().contains(name), db().jdbcUrl());
        try (Connection c = db().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kit_fresh (id int PRIMARY KEY)");
            s.execute("INSERT INTO kit_fresh (id) VALUES (7)");
            try (ResultSet rs = s.executeQuery("SELECT id FROM kit_fresh")) {
                assertTrue(rs.next());
                assertEquals(7, rs.getInt(1));
            }
        }
    }

    @Test
    void committedRowsSurviveARestartOfTheServer() throws Exception {
        try (Connection c = db().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kit_restart (id int PRIMARY KEY, v " + blobType() + ")");
            s.execute("INSERT INTO kit_restart (id) VALUES (42)");
        }

        db().restart();

        // Awaitility is not needed: restart() returns only once the server answers again.
        try (Connection c = db().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM kit_restart")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
        }
    }
}
