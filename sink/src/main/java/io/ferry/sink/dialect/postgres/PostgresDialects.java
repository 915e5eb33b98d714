package io.ferry.sink.dialect.postgres;

import io.ferry.sink.SqlDialect;

/** Factory for the PostgreSQL dialect, whose implementation stays private to this package. */
public final class PostgresDialects {

    private PostgresDialects() {
    }

    public static SqlDialect create() {
        return new PostgresDialect();
    }
}
