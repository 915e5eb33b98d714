package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecuredMariaDbIT extends AbstractSecuredSqlServerIT {

    @RegisterExtension
    static final SecuredSqlServer MARIADB = SecuredSqlServer.mariadb();

    @Override
    SecuredSqlServer server() {
        return MARIADB;
    }

    @Test
    void serverRequiresSecureTransportAndNoAccountAuthenticatesBySocketOnly() throws Exception {
        try (Connection c = MARIADB.connectAdmin("")) {
            assertEquals("1", queryText(c, "SELECT @@require_secure_transport"));
            assertEquals("0", queryText(c, "SELECT COUNT(*) FROM mysql.user WHERE plugin = 'unix_socket' OR "
                    + "(User <> 'mariadb.sys' AND authentication_string = '')"));
        }
    }

    @Override
    String plaintextUrl(SecuredSqlServer server) {
        return "jdbc:mysql://127.0.0.1:" + server.port() + "/?sslMode=DISABLED";
    }

    @Override
    String unknownCaUrl(SecuredSqlServer server) {
        return server.jdbcUrl("").replace(TestCertificates.get().trustStore().toString(),
                TestCertificates.get().unknownCaTrustStore().toString());
    }

    @Override
    String plaintextRefusal() {
        // MariaDB 10.11 enforces require_secure_transport like REQUIRE SSL on every account: the
        // refusal reads "Access denied" whatever the password, and the server log says no more.
        return "Access denied";
    }

    @Override
    String untrustedRefusal() {
        return "does not chain with any of the trust anchors";
    }

    @Override
    String wrongPasswordRefusal() {
        return "Access denied";
    }

    @Override
    String tlsVersionQuery() {
        return "SHOW SESSION STATUS LIKE 'Ssl_version'";
    }

    @Override
    String[] changeCaptureQueryAndExpected() {
        return new String[] {"SELECT CONCAT_WS(' ', @@log_bin, @@binlog_format, @@binlog_row_image, @@server_id)", "ON ROW FULL 1"};
    }

    @Override
    String hostNameRefusal() {
        return "Server identity verification failed";
    }

    @Override
    SecuredSqlServer wrongNameServer() {
        return SecuredSqlServer.mariadb(TestCertificates.get().wrongNameServer());
    }
}
