package io.ferry.testkit;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecuredPostgresIT extends AbstractSecuredSqlServerIT {

    @RegisterExtension
    static final SecuredSqlServer PG = SecuredSqlServer.postgres();

    @Override
    SecuredSqlServer server() {
        return PG;
    }

    @Override
    String plaintextUrl(SecuredSqlServer server) {
        return "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?sslmode=disable";
    }

    @Override
    String unknownCaUrl(SecuredSqlServer server) {
        return "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?sslmode=verify-full&sslrootcert="
                + TestCertificates.get().unknownCaCert();
    }

    @Override
    String plaintextRefusal() {
        return "no encryption";
    }

    @Override
    String untrustedRefusal() {
        return "PKIX path building failed";
    }

    @Override
    String wrongPasswordRefusal() {
        return "password authentication failed";
    }

    @Override
    String tlsVersionQuery() {
        return "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl";
    }

    @Override
    String[] changeCaptureQueryAndExpected() {
        return new String[] {"SHOW wal_level", "logical"};
    }

    @Override
    String hostNameRefusal() {
        return "The hostname 127.0.0.1 could not be verified";
    }

    @Override
    SecuredSqlServer wrongNameServer() {
        return SecuredSqlServer.postgres(TestCertificates.get().wrongNameServer());
    }
}
