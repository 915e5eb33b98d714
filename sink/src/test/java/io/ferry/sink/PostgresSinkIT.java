package io.ferry.sink;

import io.ferry.testkit.SqlDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink scenarios on Postgres. */
class PostgresSinkIT extends AbstractSinkIT {

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.postgres();

    @Override
    SqlDatabase db() {
        return DB;
    }

    @Test
    void databaseRestartUnderLoad() throws Exception {
        databaseRestartUnderLoadLosesNothing();
    }
}
