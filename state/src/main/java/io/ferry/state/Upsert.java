package io.ferry.state;

import io.ferry.core.config.JdbcTarget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one builder of Ferry's insert-or-update statements, for its own tables and the sink's data
 * tables alike: a row source inserted into a table, a row whose key is already there updated
 * instead, optionally only when the incoming revision is newer than the stored one. It writes each
 * database's form: {@code ON CONFLICT (key) DO UPDATE ... WHERE} on PostgreSQL and SQLite,
 * {@code ON DUPLICATE KEY UPDATE} with {@code IF(...)} on MySQL and MariaDB, which have no
 * {@code WHERE} there.
 *
 * <p>MySQL evaluates the assignments of {@code ON DUPLICATE KEY UPDATE} left to right against the
 * already updated row, so a guarded upsert assigns the revision column last: every other column
 * compares against the old revision.
 */
public final class Upsert {

    private final StateSql sql;
    private final String table;
    private List<String> columns = List.of();
    private String source = "";
    private String key = "key";
    private List<String> updated;
    private String revision;
    private boolean orSame;
    private String alias;
    private boolean qualified;

    private Upsert(StateSql sql, String table) {
        this.sql = sql;
        this.table = table;
    }

    /** An upsert into {@code table} ({@code name} or {@code schema.name}). */
    public static Upsert into(StateSql sql, String table) {
        return new Upsert(sql, table);
    }

    /** The inserted columns, in parameter order; without them the values go in the table's column order. */
    public Upsert columns(List<String> names) {
        this.columns = names;
        return this;
    }

    /** One row of parameters, {@code VALUES (...)}. */
    public Upsert values(List<String> placeholders) {
        this.source = "VALUES (" + String.join(", ", placeholders) + ")";
        return this;
    }

    /** {@code count} plain parameters, {@code VALUES (?, ...)}. */
    public Upsert values(int count) {
        return values(Collections.nCopies(count, "?"));
    }

    /**
     * One row of parameters, inserted only where {@code condition} holds. A SELECT, not VALUES, since VALUES takes
     * no WHERE; MySQL wants {@code FROM DUAL} before it. On SQLite the WHERE also keeps the parser from reading
     * {@code ON CONFLICT} as a join constraint.
     */
    public Upsert valuesWhere(List<String> placeholders, String condition) {
        this.source = "SELECT " + String.join(", ", placeholders)
                + (sql.kind() == JdbcTarget.Kind.MYSQL ? " FROM DUAL" : "") + " WHERE " + condition;
        return this;
    }

    /** Rows from a query of the caller's: a staging table, a CTE, arrays. */
    public Upsert select(String query) {
        this.source = query;
        return this;
    }

    /** The column whose value finds the stored row: a primary key, the table's only unique index. */
    public Upsert key(String column) {
        this.key = column;
        return this;
    }

    /** The columns a stored row takes from the incoming one; by default every inserted column but the key. */
    public Upsert update(List<String> names) {
        this.updated = names;
        return this;
    }

    /**
     * Updates a stored row only when the incoming {@code revision} is newer, or with {@code orSame} at the same
     * revision too. {@code alias} names the stored row on PostgreSQL, where an unqualified column in the guard would
     * be ambiguous with {@code EXCLUDED}'s.
     */
    public Upsert newer(String revision, boolean orSame, String alias) {
        this.revision = revision;
        this.orSame = orSame;
        this.alias = alias;
        return this;
    }

    /**
     * On MySQL, the stored row's columns named by the table: the source's columns have the same names and would
     * otherwise be ambiguous with them.
     */
    public Upsert qualified() {
        this.qualified = true;
        return this;
    }

    /** Inserts the row unless its key is there already: the stored row is left as it is. */
    public String ifAbsent() {
        return switch (sql.kind()) {
            case POSTGRES -> head("INSERT INTO ") + " ON CONFLICT DO NOTHING";
            case MYSQL -> head("INSERT IGNORE INTO ");
            case SQLITE -> head("INSERT OR IGNORE INTO ");
        };
    }

    /** The statement. */
    public String sql() {
        return sql.kind() == JdbcTarget.Kind.MYSQL ? onDuplicateKey() : onConflict();
    }

    private String head(String insert) {
        String as = alias != null && revision != null && sql.kind() == JdbcTarget.Kind.POSTGRES ? " AS " + alias : "";
        String names = columns.isEmpty() ? "" : " (" + sql.columns(columns) + ")";
        return insert + sql.quote(table) + as + names + " " + source;
    }

    private List<String> updated() {
        return updated != null ? updated : columns.subList(1, columns.size());
    }

    private String onConflict() {
        // PostgreSQL spells the incoming row EXCLUDED, SQLite excluded: either reads it, each dialect's SQL keeps its own.
        String excluded = sql.kind() == JdbcTarget.Kind.POSTGRES ? "EXCLUDED." : "excluded.";
        StringBuilder set = new StringBuilder();
        for (String c : updated()) {
            set.append(set.isEmpty() ? "" : ", ").append(sql.quote(c)).append(" = ").append(excluded).append(sql.quote(c));
        }
        String guard = "";
        if (revision != null) {
            String stored = sql.kind() == JdbcTarget.Kind.POSTGRES ? alias + "." : "";
            guard = " WHERE " + stored + sql.quote(revision) + (orSame ? " <= " : " < ") + excluded + sql.quote(revision);
        }
        return head("INSERT INTO ") + " ON CONFLICT (" + sql.quote(key) + ") DO UPDATE SET " + set + guard;
    }

    private String onDuplicateKey() {
        String stored = qualified ? sql.quote(table) + "." : "";
        List<String> assigned = new ArrayList<>(updated());
        if (revision != null) {
            assigned.remove(revision);
            assigned.add(revision);
        }
        StringBuilder set = new StringBuilder();
        for (String c : assigned) {
            String incoming = "VALUES(" + sql.quote(c) + ")";
            set.append(set.isEmpty() ? "" : ", ").append(stored).append(sql.quote(c)).append(" = ");
            if (revision == null) {
                set.append(incoming);
            } else {
                set.append("IF(VALUES(").append(sql.quote(revision)).append(") ").append(orSame ? ">=" : ">").append(' ')
                        .append(stored).append(sql.quote(revision)).append(", ").append(incoming).append(", ").append(stored)
                        .append(sql.quote(c)).append(')');
            }
        }
        return head("INSERT INTO ") + " ON DUPLICATE KEY UPDATE " + set;
    }
}
