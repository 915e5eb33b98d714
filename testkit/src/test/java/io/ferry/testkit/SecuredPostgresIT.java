package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecuredPostgresIT extends AbstractSecuredSqlServerIT {

    @RegisterExtension
    static final SecuredSqlServer PG = SecuredSqlServer.postgres();

    @Override
    SecuredSqlServer server() {
        return PG;
    }

    /** What the rollback path (Debezium's pgoutput) will do: a walsender connection over verified TLS makes a logical slot. */
    @Test
    void replicationUserMakesALogicalSlotOverVerifiedTls() throws Exception {
        PG.createUser("kit_replicator", "replicator-secret");
        PG.execute("postgres", "ALTER ROLE kit_replicator REPLICATION");
        Properties p = new Properties();
        PGProperty.USER.set(p, "kit_replicator");
        PGProperty.PASSWORD.set(p, "replicator-secret");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        try (Connection c = DriverManager.getConnection(PG.jdbcUrl("postgres"), p)) {
            c.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical().withSlotName("kit_slot")
                    .withOutputPlugin("pgoutput").make();
        }

        try (Connection c = PG.connectAdmin("postgres")) {
            assertEquals("pgoutput", queryText(c, "SELECT plugin FROM pg_replication_slots WHERE slot_name = 'kit_slot'"));
        }
        PG.execute("postgres", "SELECT pg_drop_replication_slot('kit_slot')");
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
