package io.ferry.sink;

import io.ferry.state.SchemaVersions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Creates and migrates the sink's tables: Ferry's own tables (the state module's schema), then
 * the generic table and each mapped table, each with its own sequence of versioned migrations. A
 * sink started against an older schema brings it forward; one started against a newer schema
 * refuses to run rather than write into tables it does not understand.
 */
final class SchemaMigrator {

    private final SqlDialect dialect;
    private final SchemaVersions versions;

    SchemaMigrator(SqlDialect dialect) {
        this.dialect = dialect;
        this.versions = new SchemaVersions(dialect.kind(), dialect::alreadyApplied);
    }

    void migrate(Connection c, String table) throws SQLException {
        migrate(c, table, List.of());
    }

    void migrate(Connection c, String table, List<TableMapping> mappings) throws SQLException {
        versions.migrateState(c);
        versions.apply(c, "table:" + table, dialect.tableMigrations(table));
        for (TableMapping m : mappings) {
            java.util.Map<String, String> types = new java.util.LinkedHashMap<>();
            m.columns().forEach(col -> types.put(col.name(), dialect.columnType(col.type())));
            if (m.json()) {
                types.put(TableMapping.DOC, dialect.columnType(ColumnType.JSON));
            }
            versions.apply(c, "mapped:" + m.table(), dialect.mappedTableMigrations(m.table(), types));
        }
    }
}
