package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.testkit.SqlDatabase.Kind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a server is chosen and what the error says when there is none; no server is contacted except a closed local port. */
class SqlServersTest {

    @Test
    void realMysqlWithoutDockerOrEnvironmentFailsAndSaysHowToStartTheStack() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SqlServers.find(Kind.MYSQL, Map.<String, String>of()::get, () -> false));
        assertTrue(e.getMessage().contains("FERRY_TEST_MYSQL_URL: not set"), e.getMessage());
        assertTrue(e.getMessage().contains("no Docker engine reachable"), e.getMessage());
        assertTrue(e.getMessage().contains("Start the local stack: deploy/local/stack.sh up (or set FERRY_TEST_MYSQL_URL)"), e.getMessage());
    }

    @Test
    void anEnvironmentUrlThatDoesNotAnswerIsAnErrorNotAFallback() {
        Map<String, String> env = Map.of("FERRY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:" + Ports.free() + "/postgres");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SqlServers.find(Kind.POSTGRES, env::get, () -> false));
        assertTrue(e.getMessage().contains("does not answer"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix or unset FERRY_TEST_PG_URL"), e.getMessage());
    }

    @Test
    void databaseUrlKeepsHostAndParameters() {
        SqlServer pg = new SqlServer(Kind.POSTGRES, "jdbc:postgresql://db.example:5433/postgres?sslmode=require", "u", "", "test", null);
        SqlServer my = new SqlServer(Kind.MARIADB, "jdbc:mysql://127.0.0.1:3306/", "root", null, "test", null);
        SqlServer bare = new SqlServer(Kind.MARIADB, "jdbc:mysql://127.0.0.1:3306", "root", null, "test", null);

        assertEquals("jdbc:postgresql://db.example:5433/ferry_x?sslmode=require", pg.urlFor("ferry_x"));
        assertEquals("jdbc:mysql://127.0.0.1:3306/ferry_x", my.urlFor("ferry_x"));
        assertEquals("jdbc:mysql://127.0.0.1:3306/ferry_x", bare.urlFor("ferry_x"));
        assertEquals("", my.password());
    }

    @Test
    void serversNamedByTheEnvironmentAreNotRestarted() {
        SqlServer given = new SqlServer(Kind.POSTGRES, "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "", "FERRY_TEST_PG_URL=x", null);
        IllegalStateException e = assertThrows(IllegalStateException.class, given::restart);
        assertTrue(e.getMessage().contains("FERRY_TEST_PG_URL=x"), e.getMessage());
    }
}
