package io.ferry.cli;

import io.ferry.testkit.SecuredSqlServer;
import java.util.List;
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
class SecuredPostgresRollbackIT extends SingleServerRollbackIT {

    @RegisterExtension
    static final SecuredSqlServer PG = SecuredSqlServer.postgres();

    private static final String DATABASE = "app";

    @BeforeAll
    static void leastPrivilegeUsers() {
        PG.createDatabase(DATABASE);
        LeastPrivilege.postgres(PG, DATABASE);
    }

    @Override
    TargetDatabase db() {
        return TargetDatabase.secured(PG, DATABASE, List.of(
                "sink.jdbc: " + PG.jdbcUrl(DATABASE) + "&user=" + LeastPrivilege.SINK + "&password=" + LeastPrivilege.SINK_PASSWORD,
                "reverse.user: " + LeastPrivilege.REVERSE,
                "reverse.password: " + LeastPrivilege.REVERSE_PASSWORD));
    }

    @Override
    Cli.Result reconcile(FerryRun ferry) throws Exception {
        return ferry.command(ferry.variant("reader.yaml", "sink.user: " + LeastPrivilege.READER,
                "sink.password: " + LeastPrivilege.READER_PASSWORD), "reconcile");
    }

    @Override
    String slot() {
        return "ferry_secured_it";
    }
}
