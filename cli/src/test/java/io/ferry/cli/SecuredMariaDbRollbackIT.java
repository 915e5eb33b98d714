package io.ferry.cli;

import io.ferry.testkit.SecuredSqlServer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rollback path end to end ({@link AbstractRollbackIT}) on a MariaDB that requires TLS
 * ({@code require_secure_transport}) and passwords, reached through Connector/J with
 * {@code sslMode=VERIFY_IDENTITY}, each part of Ferry as a user with exactly the grants
 * docs/security.md lists ({@link LeastPrivilege}): the sink's user, named with its password inside
 * {@code sink.jdbc} (the form the security review found broken on the rollback path); the rollback
 * path's own user ({@code reverse.user}, REPLICATION SLAVE and REPLICATION CLIENT), whose Debezium
 * connector and binlog client verify the server as the sink does; a read-only user for
 * {@code ferry reconcile}. It is also the suite's MariaDB rollback scenario: the same scenario on a
 * plain MariaDB added nothing but 100 s. PostgreSQL's secured rollback runs in
 * {@link SecuredEndToEndIT}, its plain one in {@link ClusterRollbackIT}.
 */
class SecuredMariaDbRollbackIT extends SingleServerRollbackIT {

    private static final String DATABASE = "app";

    @RegisterExtension
    static final SecuredSqlServer MARIADB = SecuredSqlServer.mariadb();

    @BeforeAll
    static void leastPrivilegeUsers() {
        MARIADB.createDatabase(DATABASE);
        LeastPrivilege.mariadb(MARIADB, DATABASE);
    }

    @Override
    TargetDatabase db() {
        return TargetDatabase.secured(MARIADB, DATABASE, List.of(
                "sink.jdbc: " + MARIADB.jdbcUrl(DATABASE) + "&user=" + LeastPrivilege.SINK + "&password=" + LeastPrivilege.SINK_PASSWORD,
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
