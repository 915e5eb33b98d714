package io.ferry.sink.dialect;

import io.ferry.core.config.JdbcTarget;
import io.ferry.sink.SqlDialect;
import io.ferry.sink.dialect.mysql.MysqlDialects;
import io.ferry.sink.dialect.postgres.PostgresDialects;
import io.ferry.sink.dialect.sqlite.SqliteDialects;

/** Picks the dialect of a database family. */
public final class SqlDialects {

    private SqlDialects() {
    }

    public static SqlDialect forKind(JdbcTarget.Kind kind) {
        return switch (kind) {
            case POSTGRES -> PostgresDialects.create();
            case MYSQL -> MysqlDialects.create();
            case SQLITE -> SqliteDialects.create();
        };
    }
}
