package io.ferry.sink;

import io.ferry.testkit.SqlDatabase;
import java.sql.Connection;
import java.sql.Statement;
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

    @Test
    void startWhileTheDatabaseIsDown() throws Exception {
        aSinkStartedWhileItsDatabaseIsDownWaitsForIt();
    }

    @Test
    void startOnAMissingDatabase() {
        aSinkPointedAtAMissingDatabaseFailsAtOnce();
    }

    /**
     * sink.table may be a view. COPY cannot write to one, so the sink must notice the first failed
     * load, turn loading off, and upsert through the view with the same guard.
     */
    @Test
    void aViewAsTheTableIsUpsertedSinceCopyCannotLoadIt() throws Exception {
        String view = names("view").table();
        try (Connection c = DB.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + view + "_base (\"key\" bytea NOT NULL PRIMARY KEY, \"value\" bytea NOT NULL, "
                    + "create_revision bigint NOT NULL, mod_revision bigint NOT NULL, version bigint NOT NULL, "
                    + "lease bigint NOT NULL)");
            s.execute("CREATE VIEW " + view + " AS SELECT * FROM " + view + "_base");
        }
        new BulkWriteCheck(DB, view, false).run();
    }
}
