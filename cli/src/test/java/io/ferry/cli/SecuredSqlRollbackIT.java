package io.ferry.cli;

import io.ferry.testkit.SecuredSqlServer;
import java.util.List;

/**
 * {@link AbstractRollbackIT} on a database server that requires TLS and passwords, each part of
 * Ferry as a user with exactly the grants docs/security.md lists ({@link LeastPrivilege}): the
 * sink's user, named with its password inside {@code sink.jdbc} (the form the security review found
 * broken on the rollback path); the rollback path's own user ({@code reverse.user}, the
 * replication privilege); a read-only user for {@code ferry reconcile}. Subclasses register the
 * server and call {@link #prepare} from their {@code @BeforeAll}.
 */
abstract class SecuredSqlRollbackIT extends SingleServerRollbackIT {

    static final String DATABASE = "app";

    /** The server this class registered. */
    abstract SecuredSqlServer server();

    /** Creates the database and the least-privilege users on {@code server}. */
    static void prepare(SecuredSqlServer server) {
        server.createDatabase(DATABASE);
        switch (server.kind()) {
            case POSTGRES -> LeastPrivilege.postgres(server, DATABASE);
            case MARIADB, MYSQL -> LeastPrivilege.mariadb(server, DATABASE);
            default -> throw new IllegalArgumentException("no least-privilege users for " + server.kind());
        }
    }

    @Override
    TargetDatabase db() {
        return TargetDatabase.secured(server(), DATABASE, List.of(
                "sink.jdbc: " + server().jdbcUrl(DATABASE) + "&user=" + LeastPrivilege.SINK + "&password=" + LeastPrivilege.SINK_PASSWORD,
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
