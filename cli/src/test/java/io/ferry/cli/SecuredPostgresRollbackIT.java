package io.ferry.cli;

import io.ferry.testkit.SecuredSqlServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rollback path end to end ({@link AbstractRollbackIT}) on a PostgreSQL that admits only
 * verified TLS with SCRAM passwords, each part of Ferry as a user with exactly the grants
 * docs/security.md lists: the sink's user, which owns its tables and runs the cutover and
 * rollback; the rollback path's own user ({@code reverse.user}, REPLICATION); a read-only user for
 * {@code ferry reconcile}. {@code sink.jdbc} is the form the security review found broken on the
 * rollback path: credentials and {@code sslmode=verify-full} inside the JDBC URL.
 */
class SecuredPostgresRollbackIT extends SecuredSqlRollbackIT {

    @RegisterExtension
    static final SecuredSqlServer PG = SecuredSqlServer.postgres();

    @BeforeAll
    static void leastPrivilegeUsers() {
        prepare(PG);
    }

    @Override
    SecuredSqlServer server() {
        return PG;
    }
}
