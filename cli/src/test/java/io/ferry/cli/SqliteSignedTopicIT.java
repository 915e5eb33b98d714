package io.ferry.cli;

import io.ferry.testkit.SqlDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Signed records and repair of a pinned row on SQLite. */
class SqliteSignedTopicIT extends AbstractSignedTopicIT {

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.sqlite();

    @Override
    SqlDatabase db() {
        return DB;
    }
}
