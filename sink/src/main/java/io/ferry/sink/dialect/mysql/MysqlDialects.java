package io.ferry.sink.dialect.mysql;

import io.ferry.sink.SqlDialect;

/** Factory for the MySQL/MariaDB dialect, whose implementation stays private to this package. */
public final class MysqlDialects {

    private MysqlDialects() {
    }

    public static SqlDialect create() {
        return new MysqlDialect();
    }
}
