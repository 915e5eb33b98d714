package io.ferry.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL or MySQL-protocol server on which the testkit may create databases: an admin JDBC
 * URL, credentials, where it came from, and how (if at all) it can be restarted.
 */
final class SqlServer {

    private static final Pattern URL = Pattern.compile("^(jdbc:[a-z]+://[^/?]+)(/[^?]*)?(\\?.*)?$");

    private final SqlDatabase.Kind kind;
    private final String adminUrl;
    private final String user;
    private final String password;
    private final String origin;
    private final Restarter restarter;

    /** Restarts a server and returns once it has gone down and come back. */
    interface Restarter {
        void restart(SqlServer server);
    }

    SqlServer(SqlDatabase.Kind kind, String adminUrl, String user, String password, String origin, Restarter restarter) {
        this.kind = kind;
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password == null ? "" : password;
        this.origin = origin;
        this.restarter = restarter;
    }

    SqlDatabase.Kind kind() {
        return kind;
    }

    String adminUrl() {
        return adminUrl;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** Where the server came from, for messages: "local PostgreSQL at ...", "FERRY_TEST_PG_URL=...". */
    String origin() {
        return origin;
    }

    void restart() {
        if (restarter == null) {
            throw new IllegalStateException("Cannot restart " + origin + ": the testkit only restarts servers on this machine "
                    + "that it reached through the local defaults, not servers named by environment variables or containers.");
        }
        restarter.restart(this);
    }

    /** The same server URL pointing at {@code database}, with the original query parameters kept. */
    String urlFor(String database) {
        Matcher m = URL.matcher(adminUrl);
        if (!m.matches()) {
            throw new IllegalStateException("Cannot tell the database part of the JDBC URL " + adminUrl + " (" + origin
                    + "); expected jdbc:<driver>://host:port[/database][?params]");
        }
        return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
    }

    /** An admin connection that fails within a few seconds when the server does not answer. */
    Connection connectAdmin() throws SQLException {
        return connect(adminUrl, user, password, kind);
    }

    static Connection connect(String url, String user, String password, SqlDatabase.Kind kind) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password == null ? "" : password);
        // pgjdbc counts seconds, Connector/J milliseconds.
        if (kind == SqlDatabase.Kind.POSTGRES) {
            props.setProperty("connectTimeout", "5");
        } else {
            props.setProperty("connectTimeout", "5000");
        }
        return DriverManager.getConnection(url, props);
    }
}
