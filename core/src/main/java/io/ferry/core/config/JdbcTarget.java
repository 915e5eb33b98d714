package io.ferry.core.config;

import java.util.Locale;
import java.util.Optional;

/**
 * A database to connect to, resolved from {@code sink.jdbc} plus {@code sink.user} and
 * {@code sink.password}. Accepts JDBC URLs as they are, and the connection strings that
 * platforms hand to applications ({@code postgresql://user:pass@host:5432/db?sslmode=require},
 * {@code mysql://user@host/db}), which it turns into JDBC URLs with the credentials taken out.
 *
 * @param kind which database family
 * @param jdbcUrl the JDBC URL, without credentials when they came from a connection string
 * @param user user name, if any
 * @param password password, if any
 */
public record JdbcTarget(Kind kind, String jdbcUrl, Optional<String> user, Optional<String> password) {

    /** Database families Ferry has a dialect for. */
    public enum Kind { POSTGRES, MYSQL, SQLITE }

    public static JdbcTarget of(SinkConfig sink) {
        JdbcTarget t = parse(sink.jdbc());
        return new JdbcTarget(t.kind, t.jdbcUrl, sink.user().or(t::user), sink.password().or(t::password));
    }

    public static JdbcTarget parse(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return new JdbcTarget(Kind.POSTGRES, url, Optional.empty(), Optional.empty());
        }
        if (lower.startsWith("jdbc:mysql:") || lower.startsWith("jdbc:mariadb:")) {
            // One driver (Connector/J) serves MySQL and MariaDB, so the sink behaves the same on both.
            return new JdbcTarget(Kind.MYSQL, "jdbc:mysql:" + url.substring(url.indexOf(':', 5) + 1),
                    Optional.empty(), Optional.empty());
        }
        if (lower.startsWith("jdbc:sqlite:")) {
            return new JdbcTarget(Kind.SQLITE, url, Optional.empty(), Optional.empty());
        }
        if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
            return fromConnectionString(Kind.POSTGRES, "jdbc:postgresql://", url);
        }
        if (lower.startsWith("mysql://") || lower.startsWith("mariadb://")) {
            return fromConnectionString(Kind.MYSQL, "jdbc:mysql://", url);
        }
        throw new IllegalArgumentException("unsupported database URL '" + Secrets.maskUrl(url)
                + "': use jdbc:postgresql:, jdbc:mysql:, jdbc:mariadb:, jdbc:sqlite:, postgresql:// or mysql://");
    }

    private static JdbcTarget fromConnectionString(Kind kind, String jdbcPrefix, String url) {
        // Parsed by hand (ConnectionUrl), not with java.net.URI: URI rejects a password holding '%', '/' or a space,
        // and its error quotes the whole string, password included.
        ConnectionUrl u = ConnectionUrl.parse(url);
        if (!u.readable() || u.hosts().isEmpty()) {
            throw new IllegalArgumentException("'" + u.masked() + "' names no host. Write it as " + kind.name()
                    .toLowerCase(Locale.ROOT) + "://user:password@host:port/database, with '@', '?' and '#' in the user "
                    + "or password percent-encoded (%40, %3F, %23)");
        }
        return new JdbcTarget(kind, jdbcPrefix + u.rest(), u.user(), u.password());
    }

    /**
     * What names this database regardless of how it is reached: the kind, host, port and database (for
     * SQLite the absolute file path), without credentials or connection options. Two targets with the
     * same identity are the same database.
     */
    public String identity() {
        String rest = jdbcUrl.substring(jdbcUrl.indexOf(':', 5) + 1); // after "jdbc:<kind>:"
        int query = rest.indexOf('?');
        String location = query < 0 ? rest : rest.substring(0, query);
        if (kind == Kind.SQLITE) {
            return "sqlite:" + (location.startsWith(":memory:") || location.isEmpty() ? location
                    : java.nio.file.Path.of(location).toAbsolutePath().normalize().toString());
        }
        String kindName = kind.name().toLowerCase(Locale.ROOT);
        if (!location.startsWith("//")) {
            return kindName + ":" + location; // jdbc:postgresql:db, the local server
        }
        int pathStart = location.indexOf('/', 2);
        String authority = location.substring(2, pathStart < 0 ? location.length() : pathStart);
        String path = pathStart < 0 ? "" : location.substring(pathStart);
        // jdbc:mysql://user:pass@host/db: credentials are no part of which database it is.
        String hosts = authority.substring(authority.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        return kindName + "://" + hosts + path;
    }

    /** The database's name: the last part of the URL's path, or for SQLite the file name without extension. */
    public String databaseName() {
        String location = identity().substring(identity().indexOf(':') + 1);
        String last = location.substring(location.lastIndexOf('/') + 1);
        if (kind == Kind.SQLITE) {
            int dot = last.lastIndexOf('.');
            last = dot > 0 ? last.substring(0, dot) : last;
        }
        return last.isEmpty() ? kind.name().toLowerCase(Locale.ROOT) : last;
    }

    @Override
    public String toString() {
        return "JdbcTarget[" + kind + " " + Secrets.maskUrl(jdbcUrl) + ", user=" + user.orElse("-") + "]";
    }
}
