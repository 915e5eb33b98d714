package io.ferry.cli;

import io.ferry.testkit.SqlDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rollback path on PostgreSQL: logical decoding (pgoutput) through a replication slot. */
class PostgresRollbackIT extends SingleServerRollbackIT {

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.postgres();

    @Override
    TargetDatabase db() {
        return TargetDatabase.of(DB);
    }

    @Override
    String slot() {
        return "ferry_rollback_it";
    }
}
