package io.ferry.sink.dialect;

import io.ferry.sink.SqlDialect;
import io.ferry.state.StateTables;
import java.util.List;

/**
 * The DDL and statements the three dialects share, written once with the column types and
 * quoting each dialect supplies. Subclasses add the upsert forms, which differ the most.
 */
public abstract class AbstractDialect implements SqlDialect {

    /** Binary type of a key column; it is a primary key, so it must be indexable. */
    protected abstract String keyType();

    /** Binary type of a value column, large enough for any etcd value. */
    protected abstract String valueType();

    /** Appended to every CREATE TABLE (MySQL picks the engine here). */
    protected String tableOptions() {
        return "";
    }

    protected final String q(String identifier) {
        return quote(identifier);
    }

    @Override
    public String quote(String identifier) {
        StringBuilder sb = new StringBuilder();
        for (String part : identifier.split("\\.")) {
            sb.append(sb.isEmpty() ? "" : ".").append('"').append(part.replace("\"", "\"\"")).append('"');
        }
        return sb.toString();
    }

    @Override
    public List<List<String>> tableMigrations(String table) {
        return List.of(List.of("CREATE TABLE IF NOT EXISTS " + q(table) + " (" + q("key") + " " + keyType()
                + " NOT NULL PRIMARY KEY, " + q("value") + " " + valueType() + " NOT NULL, " + q("create_revision")
                + " BIGINT NOT NULL, " + q("mod_revision") + " BIGINT NOT NULL, " + q("version") + " BIGINT NOT NULL, "
                + q("lease") + " BIGINT NOT NULL)" + tableOptions()));
    }

    @Override
    public String guardedUpsert(String table, boolean repair) {
        return guardedUpsert(table, ROW_COLUMNS, java.util.Collections.nCopies(ROW_COLUMNS.size(), "?"), repair);
    }

    /** DDL of a mapped table: key, mod_revision, the typed columns (nullable), and the JSON doc. */
    public static List<String> mappedTableDdl(AbstractDialect d, String table, java.util.Map<String, String> typedColumns) {
        StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS " + d.q(table) + " (" + d.q("key") + " "
                + d.keyType() + " NOT NULL PRIMARY KEY, " + d.q("mod_revision") + " BIGINT NOT NULL");
        typedColumns.forEach((name, type) -> sb.append(", ").append(d.q(name)).append(' ').append(type));
        return List.of(sb.append(')').append(d.tableOptions()).toString());
    }

    @Override
    public List<List<String>> mappedTableMigrations(String table, java.util.Map<String, String> typedColumns) {
        return List.of(mappedTableDdl(this, table, typedColumns));
    }

    /** Joins quoted columns. */
    protected final String columnList(List<String> columns) {
        StringBuilder sb = new StringBuilder();
        for (String c : columns) {
            sb.append(sb.isEmpty() ? "" : ", ").append(q(c));
        }
        return sb.toString();
    }

    /** The column list of the generic table, in parameter order. */
    protected final String rowColumns() {
        return q("key") + ", " + q("value") + ", " + q("create_revision") + ", " + q("mod_revision") + ", "
                + q("version") + ", " + q("lease");
    }

    /** {@code EXISTS} a tombstone of {@code alias}'s key at or after its {@code mod_revision}. */
    protected final String tombstoneAtOrAfter(String alias) {
        return "EXISTS (SELECT 1 FROM " + q(StateTables.TOMBSTONES) + " d WHERE d." + q("key") + " = " + alias + "." + q("key")
                + " AND d." + q("revision") + " >= " + alias + "." + q("mod_revision") + ")";
    }

    /** {@code alias.column} for each column. */
    protected final String qualified(String alias, List<String> columns) {
        StringBuilder sb = new StringBuilder();
        for (String c : columns) {
            sb.append(sb.isEmpty() ? "" : ", ").append(alias).append('.').append(q(c));
        }
        return sb.toString();
    }

    /** {@code NOT EXISTS} a tombstone of the key at or after the incoming revision. Parameters: key, revision. */
    protected final String noNewerTombstone() {
        return "NOT EXISTS (SELECT 1 FROM " + q(StateTables.TOMBSTONES) + " d WHERE d." + q("key") + " = ? AND d." + q("revision")
                + " >= ?)";
    }
}
