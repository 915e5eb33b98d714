package io.ferry.testkit;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresIT extends AbstractSqlDatabaseIT {

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.postgres();

    @Override
    SqlDatabase db() {
        return DB;
    }

    @Override
    String blobType() {
        return "bytea";
    }
}
