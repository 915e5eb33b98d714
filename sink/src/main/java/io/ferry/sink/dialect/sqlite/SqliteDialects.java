package io.ferry.sink.dialect.sqlite;

import io.ferry.sink.SqlDialect;

/** Factory for the SQLite dialect, whose implementation stays private to this package. */
public final class SqliteDialects {

    private SqliteDialects() {
    }

    public static SqlDialect create() {
        return new SqliteDialect();
    }
}
