package io.ferry.sink.dialect;

import io.ferry.core.config.JdbcTarget;
import io.ferry.sink.SqlDialect;
import io.ferry.state.StateSql;
import io.ferry.state.TombstonesTable;
import io.ferry.state.Upsert;
import java.util.List;

/**
 * The DDL and statements the three dialects share, written once with the column types each
 * dialect supplies. Quoting, the upsert's per-database form and the tombstone guard come from the
 * state module ({@link StateSql}, {@link Upsert}, {@link TombstonesTable}), which builds Ferry's own
 * tables' statements the same way. Subclasses add their bulk paths.
 */
public abstract class AbstractDialect implements SqlDialect {

    private final JdbcTarget.Kind kind;
    private final int maxKeyBytes;
    private final String keyType;
    private final String valueType;
    protected final StateSql sql;
    protected final TombstonesTable tombstones;

    /**
     * @param maxKeyBytes longest key in bytes the key column (a primary key) can index
     * @param keyType binary type of a key column; it is a primary key, so it must be indexable
     * @param valueType binary type of a value column, large enough for any etcd value
     */
    protected AbstractDialect(JdbcTarget.Kind kind, int maxKeyBytes, String keyType, String valueType) {
        this.kind = kind;
        this.maxKeyBytes = maxKeyBytes;
        this.keyType = keyType;
        this.valueType = valueType;
        this.sql = new StateSql(kind);
        this.tombstones = new TombstonesTable(kind);
    }

    @Override
    public final JdbcTarget.Kind kind() {
        return kind;
    }

    @Override
    public final int maxKeyBytes() {
        return maxKeyBytes;
    }

    /** Appended to every CREATE TABLE (MySQL picks the engine here). */
    protected String tableOptions() {
        return "";
    }

    protected final String q(String identifier) {
        return quote(identifier);
    }

    @Override
    public final String quote(String identifier) {
        return sql.quote(identifier);
    }

    @Override
    public List<List<String>> tableMigrations(String table) {
        return List.of(List.of("CREATE TABLE IF NOT EXISTS " + q(table) + " (" + q("key") + " " + keyType
                + " NOT NULL PRIMARY KEY, " + q("value") + " " + valueType + " NOT NULL, " + q("create_revision")
                + " BIGINT NOT NULL, " + q("mod_revision") + " BIGINT NOT NULL, " + q("version") + " BIGINT NOT NULL, "
                + q("lease") + " BIGINT NOT NULL)" + tableOptions()));
    }

    @Override
    public String guardedUpsert(String table, boolean repair) {
        return guardedUpsert(table, ROW_COLUMNS, java.util.Collections.nCopies(ROW_COLUMNS.size(), "?"), repair);
    }

    @Override
    public String guardedUpsert(String table, List<String> columns, List<String> placeholders, boolean repair) {
        return upsert(table, columns, repair).valuesWhere(placeholders, noNewerTombstone()).sql();
    }

    /**
     * The upsert of {@code columns} into a data table, guarded by {@code mod_revision} (with {@code repair}, a row at
     * the same revision is rewritten too); the caller gives the rows.
     */
    protected final Upsert upsert(String table, List<String> columns, boolean repair) {
        return Upsert.into(sql, table).columns(columns).newer("mod_revision", repair, "t");
    }

    /** DDL of a mapped table: key, mod_revision, the typed columns (nullable), and the JSON doc. */
    public static List<String> mappedTableDdl(AbstractDialect d, String table, java.util.Map<String, String> typedColumns) {
        StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS " + d.q(table) + " (" + d.q("key") + " "
                + d.keyType + " NOT NULL PRIMARY KEY, " + d.q("mod_revision") + " BIGINT NOT NULL");
        typedColumns.forEach((name, type) -> sb.append(", ").append(d.q(name)).append(' ').append(type));
        return List.of(sb.append(')').append(d.tableOptions()).toString());
    }

    @Override
    public List<List<String>> mappedTableMigrations(String table, java.util.Map<String, String> typedColumns) {
        return List.of(mappedTableDdl(this, table, typedColumns));
    }

    /** Joins quoted columns. */
    protected final String columnList(List<String> columns) {
        return sql.columns(columns);
    }

    /** {@code EXISTS} a tombstone of {@code alias}'s key at or after its {@code mod_revision}. */
    protected final String tombstoneAtOrAfter(String alias) {
        return tombstones.atOrAfter(alias + "." + q("key"), alias + "." + q("mod_revision"));
    }

    /** {@code alias.column} for each column. */
    protected final String qualified(String alias, List<String> columns) {
        return sql.qualified(alias + ".", columns);
    }

    /** {@code NOT EXISTS} a tombstone of the key at or after the incoming revision. Parameters: key, revision. */
    protected final String noNewerTombstone() {
        return "NOT " + tombstones.atOrAfter("?", "?");
    }
}
