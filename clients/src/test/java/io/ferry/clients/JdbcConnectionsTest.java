package io.ferry.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Which user and settings each connection gets, from every form the configuration accepts. */
class JdbcConnectionsTest {

    private static FerryConfig config(String yaml) {
        return FerryConfig.fromYaml(yaml, Map.of("RPW", "reverse-secret", "PW", "sink-secret"));
    }

    @Test
    void theRollbackPathUsesTheSinksCredentialsFromEveryForm() {
        for (String yaml : new String[] {
            "sink.jdbc: jdbc:postgresql://db:5432/app?user=ferry&password=sink-secret&sslmode=verify-full\n",
            "sink.jdbc: postgresql://ferry:sink-secret@db:5432/app?sslmode=verify-full\n",
            "sink.jdbc: jdbc:postgresql://db:5432/app?sslmode=verify-full\nsink.user: ferry\nsink.password: ${PW}\n"}) {
            JdbcTarget sink = JdbcConnections.sink(config(yaml));
            JdbcTarget reverse = JdbcConnections.rollbackPath(config(yaml));
            assertEquals(sink, reverse, yaml);
            assertEquals(Optional.of("ferry"), reverse.user(), yaml);
            assertEquals(Optional.of("sink-secret"), reverse.password(), yaml);
            assertEquals("jdbc:postgresql://db:5432/app?sslmode=verify-full", reverse.jdbcUrl(), yaml);
        }
    }

    @Test
    void theRollbackPathsOwnUserKeepsTheSinksUrlAndTls() {
        FerryConfig c = config("sink.jdbc: jdbc:postgresql://db/app?user=ferry&password=x&sslmode=verify-full&sslrootcert=/ca.pem\n"
                + "reverse.user: ferry_reverse\nreverse.password: ${RPW}\n");
        JdbcTarget reverse = JdbcConnections.rollbackPath(c);
        assertEquals("jdbc:postgresql://db/app?sslmode=verify-full&sslrootcert=/ca.pem", reverse.jdbcUrl());
        assertEquals(Optional.of("ferry_reverse"), reverse.user());
        assertEquals(Optional.of("reverse-secret"), reverse.password());
        assertEquals(Optional.of("ferry"), JdbcConnections.sink(c).user(), "the sink keeps its own");
    }

    @Test
    void aReversePasswordWithoutAReverseUserIsRefused() {
        FerryException e = assertThrows(FerryException.class, () -> JdbcConnections.rollbackPath(
                config("sink.jdbc: jdbc:postgresql://db/app\nreverse.password: ${RPW}\n")));
        assertTrue(e.getMessage().contains("reverse.user"), e.getMessage());
        assertFalse(e.getMessage().contains("reverse-secret"), e.getMessage());
    }

    @Test
    void driverPropertiesCarryTuningThenTheCredentials() {
        JdbcTarget t = JdbcTarget.parse("jdbc:mysql://db/app?user=ferry&password=pw&sslMode=VERIFY_IDENTITY");
        Properties p = JdbcConnections.properties(t, Map.of("rewriteBatchedStatements", "true", "user", "tuning-cannot-win"));
        assertEquals("ferry", p.getProperty("user"));
        assertEquals("pw", p.getProperty("password"));
        assertEquals("true", p.getProperty("rewriteBatchedStatements"));
        assertNull(p.getProperty("sslMode"), "TLS stays in the URL");
    }

    @Test
    void postgresTlsAndCredentialsReachDebeziumAsTheSinkHasThem() {
        // The URL: once an empty password and Debezium's sslmode=prefer.
        JdbcTarget t = JdbcTarget.parse("jdbc:postgresql://db:5432/app?user=ferry&password=pw&sslmode=verify-full"
                + "&sslrootcert=/etc/ca.pem&sslcert=/etc/client.crt&sslkey=/etc/client.pk8");
        Properties p = DebeziumSettings.connection(t, DebeziumSettings.Connector.POSTGRES, false);
        assertEquals("db", p.getProperty("database.hostname"));
        assertEquals("5432", p.getProperty("database.port"));
        assertEquals("app", p.getProperty("database.dbname"));
        assertEquals("ferry", p.getProperty("database.user"));
        assertEquals("pw", p.getProperty("database.password"));
        assertEquals("verify-full", p.getProperty("database.sslmode"));
        assertEquals("/etc/ca.pem", p.getProperty("database.sslrootcert"));
        assertEquals("/etc/client.crt", p.getProperty("database.sslcert"));
        assertEquals("/etc/client.pk8", p.getProperty("database.sslkey"));

        Properties legacy = DebeziumSettings.connection(JdbcTarget.parse("jdbc:postgresql://db/app?user=u&ssl=true"),
                DebeziumSettings.Connector.POSTGRES, false);
        assertEquals("verify-full", legacy.getProperty("database.sslmode"), "pgjdbc's ssl=true means verify-full");
        assertEquals("5432", legacy.getProperty("database.port"));
        assertNull(legacy.getProperty("database.password"), "no password is not an empty one");
    }

    @Test
    void connectorJTlsIsTranslatedForTheMysqlAndMariaDbConnectors() {
        JdbcTarget t = JdbcTarget.parse("jdbc:mysql://ferry:pw@db:3307/app?sslMode=VERIFY_IDENTITY"
                + "&trustCertificateKeyStoreUrl=file:/etc/trust.p12&trustCertificateKeyStoreType=PKCS12"
                + "&trustCertificateKeyStorePassword=tpw&allowPublicKeyRetrieval=false");
        Properties my = DebeziumSettings.connection(t, DebeziumSettings.Connector.MYSQL, false);
        assertEquals("db", my.getProperty("database.hostname"));
        assertEquals("3307", my.getProperty("database.port"));
        assertEquals("ferry", my.getProperty("database.user"));
        assertEquals("pw", my.getProperty("database.password"));
        assertEquals("verify_identity", my.getProperty("database.ssl.mode"));
        assertEquals("/etc/trust.p12", my.getProperty("database.ssl.truststore"));
        assertEquals("tpw", my.getProperty("database.ssl.truststore.password"));
        assertEquals("PKCS12", my.getProperty("driver.trustCertificateKeyStoreType"));
        assertEquals("false", my.getProperty("driver.allowPublicKeyRetrieval"));

        Properties maria = DebeziumSettings.connection(t, DebeziumSettings.Connector.MARIADB, false);
        assertEquals("verify-full", maria.getProperty("database.ssl.mode"), "no longer forced to disable");
        assertEquals("/etc/trust.p12", maria.getProperty("database.ssl.truststore"));
        assertEquals("tpw", maria.getProperty("database.ssl.truststore.password"));
        assertEquals("PKCS12", maria.getProperty("driver.trustStoreType"));
    }

    @Test
    void connectorJsDefaultBecomesWhatTheSinkGotOnMariaDb() {
        JdbcTarget t = JdbcTarget.parse("jdbc:mysql://db/app?user=root");
        assertEquals("preferred", DebeziumSettings.connection(t, DebeziumSettings.Connector.MYSQL, false)
                .getProperty("database.ssl.mode"));
        assertEquals("trust", DebeziumSettings.connection(t, DebeziumSettings.Connector.MARIADB, true)
                .getProperty("database.ssl.mode"));
        assertEquals("disable", DebeziumSettings.connection(t, DebeziumSettings.Connector.MARIADB, false)
                .getProperty("database.ssl.mode"));
        assertEquals("disable", DebeziumSettings.connection(JdbcTarget.parse("jdbc:mysql://db/app?user=root&useSSL=false"),
                DebeziumSettings.Connector.MARIADB, true).getProperty("database.ssl.mode"));
    }

    @Test
    void debeziumNeedsAUserAndFileStores() {
        FerryException noUser = assertThrows(FerryException.class, () -> DebeziumSettings.connection(
                JdbcTarget.parse("jdbc:postgresql://db/app"), DebeziumSettings.Connector.POSTGRES, false));
        assertTrue(noUser.getMessage().contains("no database user"), noUser.getMessage());
        FerryException notAFile = assertThrows(FerryException.class, () -> DebeziumSettings.connection(
                JdbcTarget.parse("jdbc:mysql://db/app?user=u&trustCertificateKeyStoreUrl=https://x/t.p12"),
                DebeziumSettings.Connector.MYSQL, false));
        assertTrue(notAFile.getMessage().contains("not a file"), notAFile.getMessage());
    }

    @Test
    void tlsModesOfBothDrivers() {
        assertEquals(JdbcTls.Mode.PREFERRED, JdbcTls.of(JdbcTarget.parse("jdbc:postgresql://h/d")).mode());
        assertEquals(JdbcTls.Mode.VERIFY_CA, JdbcTls.of(JdbcTarget.parse("jdbc:postgresql://h/d?sslmode=verify-ca")).mode());
        assertEquals(JdbcTls.Mode.VERIFY_FULL, JdbcTls.of(JdbcTarget.parse("jdbc:mysql://h/d?sslMode=verify_identity")).mode());
        assertEquals(JdbcTls.Mode.REQUIRED, JdbcTls.of(JdbcTarget.parse("jdbc:mysql://h/d?requireSSL=true")).mode());
        assertEquals(JdbcTls.Mode.DISABLED, JdbcTls.of(JdbcTarget.parse("jdbc:sqlite:x.db")).mode());
        assertThrows(FerryException.class, () -> JdbcTls.of(JdbcTarget.parse("jdbc:postgresql://h/d?sslmode=sometimes")));
    }
}
