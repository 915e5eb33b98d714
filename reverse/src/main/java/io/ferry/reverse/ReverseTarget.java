package io.ferry.reverse;

import io.ferry.clients.DebeziumSettings;
import io.ferry.clients.JdbcConnections;
import io.ferry.clients.JdbcFailures;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.Secrets;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * The database the rollback path captures changes from: PostgreSQL through logical decoding
 * (pgoutput), MySQL and MariaDB through the binlog; SQLite has no change stream to read. It is
 * reached two ways, both described by {@link JdbcConnections}, so with the sink's URL and TLS
 * settings: as the rollback path's user ({@code reverse.user}, or the sink's), who reads the
 * change stream and needs replication rights, and as the sink's user, who owns the generic table
 * and so alone may publish it (PostgreSQL's {@code CREATE PUBLICATION ... FOR TABLE}).
 *
 * @param source postgres, mysql or mariadb
 * @param jdbc the database as the rollback path's user reaches it
 * @param owner the database as the sink's user, the generic table's owner, reaches it
 * @param database the database named in the URL
 * @param schema the generic table's schema (PostgreSQL) or database (MySQL, MariaDB)
 * @param table the generic table's name
 * @param encrypted MySQL and MariaDB: whether a connection with the target's settings uses TLS
 */
public record ReverseTarget(String source, JdbcTarget jdbc, JdbcTarget owner, String database, String schema,
                            String table, boolean encrypted) {

    /** The rollback path of the deployment {@code config} describes. */
    public static ReverseTarget of(FerryConfig config) {
        return of(JdbcConnections.sink(config), JdbcConnections.rollbackPath(config), config.sink().table());
    }

    /**
     * @param owner the sink's target, whose user owns {@code table}
     * @param rollbackPath the same database as the rollback path's user reaches it
     */
    public static ReverseTarget of(JdbcTarget owner, JdbcTarget rollbackPath, String table) {
        if (owner.kind() == JdbcTarget.Kind.SQLITE) {
            throw new FerryException("the rollback path needs a change stream from the database, which SQLite does not "
                    + "have: reverse replication, ferry rollback and ferry finish work with PostgreSQL, MySQL and MariaDB");
        }
        URI uri = URI.create(owner.jdbcUrl().substring("jdbc:".length()));
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        boolean pg = owner.kind() == JdbcTarget.Kind.POSTGRES;
        String schema = table.contains(".") ? table.substring(0, table.indexOf('.')) : pg ? "public" : path;
        String name = table.contains(".") ? table.substring(table.indexOf('.') + 1) : table;
        if (pg) {
            return new ReverseTarget("postgres", rollbackPath, owner, path, schema, name, false);
        }
        String[] server = server(rollbackPath);
        return new ReverseTarget(server[0].contains("mariadb") ? "mariadb" : "mysql", rollbackPath, owner, path, schema, name,
                !server[1].isEmpty());
    }

    /** {@code schema.table}, as Debezium's table.include.list names it. */
    public String qualifiedTable() {
        return schema + "." + table;
    }

    /** A connection as the rollback path's user; the caller closes it. */
    public Connection connect() throws SQLException {
        return JdbcConnections.connect(jdbc);
    }

    /** A connection as the generic table's owner, the sink's user; the caller closes it. */
    public Connection connectAsOwner() throws SQLException {
        return JdbcConnections.connect(owner);
    }

    /** Debezium's connection settings: the same host, user, password and TLS as {@link #connect()}. */
    Properties debeziumConnection() {
        DebeziumSettings.Connector connector = switch (source) {
            case "postgres" -> DebeziumSettings.Connector.POSTGRES;
            case "mariadb" -> DebeziumSettings.Connector.MARIADB;
            default -> DebeziumSettings.Connector.MYSQL;
        };
        return DebeziumSettings.connection(jdbc, connector, encrypted);
    }

    /** The URL and the rollback path's user, for messages; no password. */
    public String describe() {
        return Secrets.maskUrl(jdbc.jdbcUrl()) + " as " + jdbc.user().orElse("(no user)");
    }

    /** Why a connection as the rollback path's user failed, in one line. */
    String why(SQLException e) {
        return JdbcFailures.describe(e, jdbc);
    }

    /** The server's version string and the session's TLS cipher (empty without TLS), as the rollback path's user. */
    private static String[] server(JdbcTarget jdbc) {
        try (Connection c = JdbcConnections.connect(jdbc); Statement s = c.createStatement()) {
            String version;
            try (ResultSet rs = s.executeQuery("SELECT VERSION()")) {
                version = rs.next() ? rs.getString(1).toLowerCase(Locale.ROOT) : "";
            }
            try (ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
                return new String[] {version, rs.next() && rs.getString(2) != null ? rs.getString(2) : ""};
            }
        } catch (SQLException e) {
            throw new FerryException("the rollback path cannot connect to " + Secrets.maskUrl(jdbc.jdbcUrl()) + " as "
                    + jdbc.user().orElse("(no user)") + ": " + JdbcFailures.describe(e, jdbc), e);
        }
    }
}
