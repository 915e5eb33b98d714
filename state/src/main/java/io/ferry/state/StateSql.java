package io.ferry.state;

import io.ferry.core.KeyRanges;
import io.ferry.core.config.JdbcTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The little that Ferry's SQL needs to know of each database: how to quote an identifier (MySQL
 * with backquotes, the others with double quotes, since {@code key} and {@code value} are reserved
 * words) and whether a table exists yet (the sink creates them on its first start). The one quoting
 * rule: the sink's dialects and the reconciler's tables quote their data tables through it too.
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
        return columns(List.of(identifiers));
    }

    /** Quotes each of {@code identifiers} and joins them with commas. */
    public String columns(List<String> identifiers) {
        return qualified("", identifiers);
    }

    /** {@code prefix} and the quoted column, for each column, joined with commas ({@code s."key", s."value"}). */
    public String qualified(String prefix, List<String> identifiers) {
        StringBuilder sb = new StringBuilder();
        for (String c : identifiers) {
            sb.append(sb.isEmpty() ? "" : ", ").append(prefix).append(quote(c));
        }
        return sb.toString();
    }

    /**
     * The keys of {@code [from, to)} in {@code column}: one or two parameters, bound by {@link #bindKeyRange}. The
     * range that runs to the end of the keyspace has no upper bound, since no byte string sorts after all keys.
     */
    public String keyRange(String column, byte[] to) {
        String lower = quote(column) + " >= ?";
        return Arrays.equals(to, KeyRanges.ALL_KEYS_END) ? lower : lower + " AND " + quote(column) + " < ?";
    }

    /** Binds the parameters of {@link #keyRange} from the first; returns the index of the next parameter. */
    public static int bindKeyRange(PreparedStatement ps, byte[] from, byte[] to) throws SQLException {
        ps.setBytes(1, from);
        if (Arrays.equals(to, KeyRanges.ALL_KEYS_END)) {
            return 2;
        }
        ps.setBytes(2, to);
        return 3;
    }

    /**
     * Deletes {@code key}'s row in {@code table} when its {@code revision} column is one that a repair unpins: in
     * {@code (after, through]}, or equal to the revision it replaces. The same for data tables and tombstones.
     * Parameters: key, after, through, replaces.
     */
    public String deleteUnpinned(String table, String revision) {
        String rev = quote(revision);
        return "DELETE FROM " + quote(table) + " WHERE " + quote("key") + " = ? AND ((" + rev + " > ? AND " + rev
                + " <= ?) OR " + rev + " = ?)";
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
