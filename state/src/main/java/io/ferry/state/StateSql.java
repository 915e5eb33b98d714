package io.ferry.state;

import io.ferry.core.config.JdbcTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The little that state's SQL needs to know of each database: how to quote an identifier (MySQL
 * with backquotes, the others with double quotes, since {@code key} and {@code value} are reserved
 * words) and whether a table exists yet (the sink creates them on its first start).
 */
public final class StateSql {

    private final JdbcTarget.Kind kind;

    public StateSql(JdbcTarget.Kind kind) {
        this.kind = kind;
    }

    public JdbcTarget.Kind kind() {
        return kind;
    }

    /** Quotes one identifier, or each part of {@code schema.table}. */
    public String quote(String identifier) {
        char q = kind == JdbcTarget.Kind.MYSQL ? '`' : '"';
        StringBuilder sb = new StringBuilder();
        for (String part : identifier.split("\\.")) {
            sb.append(sb.isEmpty() ? "" : ".").append(q).append(part.replace(String.valueOf(q), String.valueOf(q) + q)).append(q);
        }
        return sb.toString();
    }

    /** Quotes each of {@code identifiers} and joins them with commas. */
    String columns(String... identifiers) {
        StringBuilder sb = new StringBuilder();
        for (String c : identifiers) {
            sb.append(sb.isEmpty() ? "" : ", ").append(quote(c));
        }
        return sb.toString();
    }

    /**
     * Whether {@code table} ({@code name} or {@code schema.name}) exists in the connection's database. Also under its
     * upper-case name: some drivers report unquoted names folded to upper case. On MySQL and MariaDB a schema is a
     * database, which JDBC calls a catalog.
     */
    public static boolean exists(Connection c, String table) throws SQLException {
        int dot = table.lastIndexOf('.');
        String schema = dot < 0 ? null : table.substring(0, dot);
        String name = table.substring(dot + 1);
        boolean schemaIsCatalog = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).matches(".*(mysql|mariadb).*");
        String catalog = schema != null && schemaIsCatalog ? schema : c.getCatalog();
        String schemaPattern = schemaIsCatalog ? null : schema;
        for (String candidate : new String[] {name, name.toUpperCase(Locale.ROOT)}) {
            try (ResultSet rs = c.getMetaData().getTables(catalog, schemaPattern, candidate, null)) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
