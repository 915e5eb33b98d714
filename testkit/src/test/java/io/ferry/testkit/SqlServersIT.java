package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.testkit.SqlDatabase.Kind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A server named by the environment is used as it is, and is never restarted by the testkit. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqlServersIT {

    @Test
    void postgresFromTheEnvironmentIsUsedAsItIs() throws Exception {
        Map<String, String> env = Map.of("FERRY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres",
                "FERRY_TEST_PG_USER", "postgres");

        SqlServer server = SqlServers.find(Kind.POSTGRES, env::get, () -> false);

        assertEquals("FERRY_TEST_PG_URL=jdbc:postgresql://127.0.0.1:5432/postgres", server.origin());
        try (Connection c = server.connectAdmin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            assertTrue(rs.next());
            assertEquals("postgres", rs.getString(1));
        }
        assertThrows(IllegalStateException.class, server::restart);
    }

    @Test
    void mariadbFromTheEnvironmentIsUsedAsItIs() throws Exception {
        Map<String, String> env = Map.of("FERRY_TEST_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/test");

        SqlServer server = SqlServers.find(Kind.MARIADB, env::get, () -> false);

        assertEquals("jdbc:mysql://127.0.0.1:3306/ferry_y", server.urlFor("ferry_y"));
        try (Connection c = server.connectAdmin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT DATABASE()")) {
            assertTrue(rs.next());
            assertEquals("test", rs.getString(1));
        }
    }
}
