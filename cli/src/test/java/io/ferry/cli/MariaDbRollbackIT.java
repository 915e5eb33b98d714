package io.ferry.cli;

import io.ferry.testkit.SqlDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rollback path on MariaDB: its row-based binlog. */
class MariaDbRollbackIT extends SingleServerRollbackIT {

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.mariadb();

    @Override
    TargetDatabase db() {
        return TargetDatabase.of(DB);
    }

    @Override
    String slot() {
        return "ferry_rollback_it";
    }
}
