package io.ferry.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.config.JdbcTarget;
import java.io.IOException;
import java.net.ConnectException;
import java.security.cert.CertPathBuilderException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The classification, on the exceptions the drivers and Debezium throw (their messages as
 * observed against the secured test servers); JdbcConnectionsIT checks the real ones.
 */
class JdbcFailuresTest {

    private static final JdbcTarget PG = JdbcTarget.parse("jdbc:postgresql://db/app?user=ferry&password=pw"
            + "&sslmode=verify-full&sslrootcert=/etc/ca.pem");

    @Test
    void tlsFailuresAreConfigurationEvenThoughTheyAreIoExceptions() {
        SQLException untrusted = new SQLException("SSL error: PKIX path building failed", "08006",
                new SSLHandshakeException("PKIX path building failed"));
        untrusted.getCause().initCause(new CertPathBuilderException("unable to find valid certification path"));
        assertEquals(JdbcFailures.Kind.TLS_UNTRUSTED, JdbcFailures.kind(untrusted));
        assertTrue(JdbcFailures.isConfiguration(untrusted));
        String line = JdbcFailures.describe(untrusted, PG);
        assertTrue(line.startsWith("TLS: the server's certificate is not signed by a trusted CA (TLS verify-full, CA /etc/ca.pem)"),
                line);
        assertFalse(line.contains("\n"));

        assertEquals(JdbcFailures.Kind.TLS_WRONG_NAME, JdbcFailures.kind(new SQLException(
                "The hostname 127.0.0.1 could not be verified by hostnameverifier PgjdbcHostnameVerifier.", "08006")));
        assertEquals(JdbcFailures.Kind.TLS_WRONG_NAME, JdbcFailures.kind(new SQLException("Communications link failure",
                "08S01", new IOException("Server identity verification failed. None of the DNS or IP Subject Alternative "
                + "Name entries matched the server hostname/IP '127.0.0.1'."))));
        assertEquals(JdbcFailures.Kind.TLS_REQUIRED_BY_SERVER, JdbcFailures.kind(new SQLException(
                "FATAL: no pg_hba.conf entry for host \"127.0.0.1\", user \"ferry\", database \"app\", no encryption", "28000")));
    }

    @Test
    void refusedCredentialsAndMissingPrivilegesAreConfiguration() {
        assertEquals(JdbcFailures.Kind.AUTHENTICATION, JdbcFailures.kind(
                new SQLException("FATAL: password authentication failed for user \"ferry\"", "28P01")));
        assertEquals(JdbcFailures.Kind.AUTHENTICATION, JdbcFailures.kind(
                new SQLException("Access denied for user 'ferry'@'127.0.0.1' (using password: YES)", "28000", 1045)));
        assertEquals(JdbcFailures.Kind.PERMISSION, JdbcFailures.kind(new SQLException(
                "ERROR: must be superuser or replication role to start walsender", "42501")));
        assertEquals(JdbcFailures.Kind.CONFIGURATION, JdbcFailures.kind(new IllegalStateException(
                "Connector configuration is not valid. The 'database.user' value is invalid: A value is required")));
        // A wrapped cause is found, and is more specific than the wrapper.
        assertEquals(JdbcFailures.Kind.AUTHENTICATION, JdbcFailures.kind(new RuntimeException(
                "Connector configuration is not valid. The 'database.hostname' value is invalid: Error while validating "
                + "connector config: FATAL: password authentication failed for user \"ferry_reverse\"")));
    }

    @Test
    void etcdsAnswersAreNotTheDatabases() {
        Exception etcd = new java.util.concurrent.ExecutionException(
                new IllegalStateException("PERMISSION_DENIED: etcdserver: permission denied"));
        assertEquals(JdbcFailures.Kind.OTHER, JdbcFailures.kind(new RuntimeException(
                "writing 3 SQL changes into etcd failed: " + etcd.getMessage(), etcd)));
    }

    @Test
    void aServerThatIsDownIsNotConfiguration() {
        SQLException refused = new SQLTransientConnectionException("Connection to 127.0.0.1:5432 refused.", "08001",
                new ConnectException("Connection refused"));
        assertEquals(JdbcFailures.Kind.OTHER, JdbcFailures.kind(refused));
        assertFalse(JdbcFailures.isConfiguration(refused));
        assertTrue(JdbcFailures.describe(refused, PG).startsWith("is the server up and reachable?: Connection refused"),
                JdbcFailures.describe(refused, PG));
    }

    @Test
    void theLineNeverShowsThePassword() {
        SQLException e = new SQLException("cannot open jdbc:postgresql://db/app?password=pw\nsecond line", "08001");
        String line = JdbcFailures.describe(e, PG);
        assertFalse(line.contains("password=pw"), line);
        assertFalse(line.contains("\n"), line);
    }
}
