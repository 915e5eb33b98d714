package io.ferry.reverse;

import io.ferry.core.FerryException;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.Secrets;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * The database the rollback path captures changes from, as Debezium wants it: host, port,
 * database, and the generic table's schema-qualified name. PostgreSQL through logical decoding
 * (pgoutput), MySQL and MariaDB through the binlog; SQLite has no change stream to read.
 *
 * @param source postgres, mysql or mariadb
 */
public record ReverseTarget(String source, JdbcTarget jdbc, String host, int port, String database, String schema,
                            String table) {

    public static ReverseTarget of(JdbcTarget jdbc, String table) {
        if (jdbc.kind() == JdbcTarget.Kind.SQLITE) {
            throw new FerryException("the rollback path needs a change stream from the database, which SQLite does not "
                    + "have: reverse replication, ferry rollback and ferry finish work with PostgreSQL, MySQL and MariaDB");
        }
        URI uri = URI.create(jdbc.jdbcUrl().substring("jdbc:".length()));
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        boolean pg = jdbc.kind() == JdbcTarget.Kind.POSTGRES;
        int port = uri.getPort() > 0 ? uri.getPort() : pg ? 5432 : 3306;
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        String schema = table.contains(".") ? table.substring(0, table.indexOf('.')) : pg ? "public" : path;
        String name = table.contains(".") ? table.substring(table.indexOf('.') + 1) : table;
        String source = pg ? "postgres" : isMariaDb(jdbc) ? "mariadb" : "mysql";
        return new ReverseTarget(source, jdbc, host, port, path, schema, name);
    }

    /** {@code schema.table}, as Debezium's table.include.list names it. */
    public String qualifiedTable() {
        return schema + "." + table;
    }

    public Connection connect() throws SQLException {
        Properties props = new Properties();
        jdbc.user().ifPresent(u -> props.setProperty("user", u));
        jdbc.password().ifPresent(p -> props.setProperty("password", p));
        return DriverManager.getConnection(jdbc.jdbcUrl(), props);
    }

    public String describe() {
        return Secrets.maskUrl(jdbc.jdbcUrl());
    }

    private static boolean isMariaDb(JdbcTarget jdbc) {
        Properties props = new Properties();
        jdbc.user().ifPresent(u -> props.setProperty("user", u));
        jdbc.password().ifPresent(p -> props.setProperty("password", p));
        try (Connection c = DriverManager.getConnection(jdbc.jdbcUrl(), props); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT VERSION()")) {
            return rs.next() && rs.getString(1).toLowerCase(Locale.ROOT).contains("mariadb");
        } catch (SQLException e) {
            throw new FerryException("connecting to " + Secrets.maskUrl(jdbc.jdbcUrl()) + " to tell MySQL from MariaDB failed: "
                    + e.getMessage() + ". Check sink.jdbc and that the server is up.", e);
        }
    }
}
