package io.ferry.sink;

import org.junit.jupiter.api.Test;

/**
 * The sink's scenarios on a database server (PostgreSQL, MariaDB), with the ones that SQLite, a
 * file, cannot have: a server that restarts, that refuses connections, that lacks the database.
 */
abstract class AbstractServerSinkIT extends AbstractSinkIT {

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
}
