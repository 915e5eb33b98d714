package io.ferry.testkit;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqliteIT extends AbstractSqlDatabaseIT {

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.sqlite();

    @Override
    SqlDatabase db() {
        return DB;
    }

    @Override
    String blobType() {
        return "blob";
    }
}
