package io.ferry.core.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A database to connect to, resolved from {@code sink.jdbc} plus {@code sink.user} and
 * {@code sink.password}. Accepts JDBC URLs, and the connection strings that platforms hand to
 * applications ({@code postgresql://user:pass@host:5432/db?sslmode=require},
 * {@code mysql://user@host/db}), which it turns into JDBC URLs. Credentials are always taken out
 * of the URL, wherever they were written (a connection string's user info, a JDBC URL's
 * {@code user=} and {@code password=} parameters, Connector/J's {@code jdbc:mysql://user:pass@host}),
 * so that every connection built from a target (the sink's pool, the tools, the rollback path's
 * Debezium connector) carries the same ones, and another user can replace them
 * ({@link #withCredentials}). Everything else in the query, TLS settings first of all, stays in
 * the URL: {@link #parameters()}.
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
            return credentialsTakenOut(Kind.POSTGRES, url);
        }
        if (lower.startsWith("jdbc:mysql:") || lower.startsWith("jdbc:mariadb:")) {
            // One driver (Connector/J) serves MySQL and MariaDB, so the sink behaves the same on both.
            return credentialsTakenOut(Kind.MYSQL, "jdbc:mysql:" + url.substring(url.indexOf(':', 5) + 1));
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
     * A JDBC URL's {@code user=} and {@code password=} parameters (both drivers read them) and
     * Connector/J's user info before the host, taken out of the URL.
     */
    private static JdbcTarget credentialsTakenOut(Kind kind, String url) {
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String authorityStart = "jdbc:mysql://";
        if (kind == Kind.MYSQL && base.startsWith(authorityStart)) {
            int slash = base.indexOf('/', authorityStart.length());
            String authority = base.substring(authorityStart.length(), slash < 0 ? base.length() : slash);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String info = authority.substring(0, at);
                int colon = info.indexOf(':');
                user = Optional.of(decodeParameter(colon < 0 ? info : info.substring(0, colon)));
                password = colon < 0 ? Optional.empty() : Optional.of(decodeParameter(info.substring(colon + 1)));
                base = authorityStart + authority.substring(at + 1) + (slash < 0 ? "" : base.substring(slash));
            }
        }
        List<String> kept = new ArrayList<>();
        for (String p : q < 0 ? new String[0] : url.substring(q + 1).split("&")) {
            int eq = p.indexOf('=');
            String name = eq < 0 ? p : p.substring(0, eq);
            String value = eq < 0 ? "" : decodeParameter(p.substring(eq + 1));
            if (name.equals("user")) {
                user = Optional.of(value);
            } else if (name.equals("password")) {
                password = Optional.of(value);
            } else if (!p.isEmpty()) {
                kept.add(p);
            }
        }
        return new JdbcTarget(kind, base + (kept.isEmpty() ? "" : "?" + String.join("&", kept)), user, password);
    }

    /** The same database reached as another user: the rollback path's own, for instance. */
    public JdbcTarget withCredentials(Optional<String> otherUser, Optional<String> otherPassword) {
        return new JdbcTarget(kind, jdbcUrl, otherUser, otherPassword);
    }

    /**
     * The driver settings in the URL's query, decoded, in the order written: TLS
     * ({@code sslmode}, {@code sslrootcert}; {@code sslMode}, {@code trustCertificateKeyStoreUrl})
     * and anything else the operator set. Never the credentials, which are taken out.
     */
    public Map<String, String> parameters() {
        int q = jdbcUrl.indexOf('?');
        Map<String, String> out = new LinkedHashMap<>();
        if (q >= 0 && kind != Kind.SQLITE) {
            for (String p : jdbcUrl.substring(q + 1).split("&")) {
                int eq = p.indexOf('=');
                if (!p.isEmpty()) {
                    out.put(eq < 0 ? p : p.substring(0, eq), eq < 0 ? "" : decodeParameter(p.substring(eq + 1)));
                }
            }
        }
        return Collections.unmodifiableMap(out);
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

    /**
     * A JDBC URL's value as the drivers decode it; one that is not valid percent-encoding (a password
     * with a bare {@code %}) is taken as written, and never echoed in an error.
     */
    private static String decodeParameter(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            return s;
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "JdbcTarget[" + kind + " " + Secrets.maskUrl(jdbcUrl) + ", user=" + user.orElse("-") + "]";
    }
}
