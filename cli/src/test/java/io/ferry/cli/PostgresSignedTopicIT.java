package io.ferry.cli;

import io.ferry.testkit.SqlDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Signed records and repair of a pinned row on PostgreSQL. */
class PostgresSignedTopicIT extends AbstractSignedTopicIT {

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.postgres();

    @Override
    SqlDatabase db() {
        return DB;
    }
}
