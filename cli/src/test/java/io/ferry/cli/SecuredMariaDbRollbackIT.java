package io.ferry.cli;

import io.ferry.testkit.SecuredSqlServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rollback path end to end ({@link AbstractRollbackIT}) on a MariaDB that requires TLS
 * ({@code require_secure_transport}) and passwords, reached through Connector/J with
 * {@code sslMode=VERIFY_IDENTITY}, each part of Ferry as a user with exactly the grants
 * docs/security.md lists: the sink's user; the rollback path's own user ({@code reverse.user},
 * REPLICATION SLAVE and REPLICATION CLIENT), whose Debezium connector and binlog client now verify
 * the server as the sink does (they ran without TLS before); a read-only user for
 * {@code ferry reconcile}.
 */
class SecuredMariaDbRollbackIT extends SecuredSqlRollbackIT {

    @RegisterExtension
    static final SecuredSqlServer MARIADB = SecuredSqlServer.mariadb();

    @BeforeAll
    static void leastPrivilegeUsers() {
        prepare(MARIADB);
    }

    @Override
    SecuredSqlServer server() {
        return MARIADB;
    }
}
