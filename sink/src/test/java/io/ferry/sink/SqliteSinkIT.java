package io.ferry.sink;

import io.ferry.testkit.SqlDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink scenarios on Sqlite. */
class SqliteSinkIT extends AbstractSinkIT {

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.sqlite();

    @Override
    SqlDatabase db() {
        return DB;
    }
}
