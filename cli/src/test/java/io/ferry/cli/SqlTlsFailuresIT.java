package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.testkit.SecuredSqlServer;
import io.ferry.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that connects to SQL ({@code ferry sink}, {@code reconcile}, {@code cutover},
 * {@code rollback}) fails at once, with exit code 2 and one line that names the cause, when TLS
 * cannot be set up: the server's certificate is from an unknown CA, it names another host, or the
 * connection does not use TLS where the server requires it. The servers present a certificate for
 * another name, so a verifying connection fails on the name once the chain is trusted, and on the
 * chain before that. Nothing else runs: the commands fail before they would reach etcd or Kafka.
 */
@Timeout(600)
class SqlTlsFailuresIT {

    @RegisterExtension
    static final SecuredSqlServer PG = SecuredSqlServer.postgres(TestCertificates.get().wrongNameServer());

    @RegisterExtension
    static final SecuredSqlServer MARIADB = SecuredSqlServer.mariadb(TestCertificates.get().wrongNameServer());

    private static final List<String> COMMANDS = List.of("sink", "reconcile", "cutover", "rollback");

    @TempDir
    Path dir;

    @Test
    void postgresWithVerifyFull() throws Exception {
        TestCertificates certs = TestCertificates.get();
        String base = "jdbc:postgresql://127.0.0.1:" + PG.port() + "/postgres?user=postgres&password=" + PG.adminPassword();
        assertEachCommandSays(Map.of(
                base + "&sslmode=verify-full&sslrootcert=" + certs.unknownCaCert(),
                "TLS: the server's certificate is not signed by a trusted CA (TLS verify-full, CA " + certs.unknownCaCert() + ")",
                base + "&sslmode=verify-full&sslrootcert=" + certs.caCert(),
                "TLS: the server's certificate does not name the host in sink.jdbc (TLS verify-full",
                base + "&sslmode=disable",
                "the server accepts only TLS connections and this one did not use TLS (TLS disabled)"));
    }

    @Test
    void mariadbWithVerifyIdentity() throws Exception {
        TestCertificates certs = TestCertificates.get();
        String base = "jdbc:mysql://127.0.0.1:" + MARIADB.port() + "/mysql?user=root&password=" + MARIADB.adminPassword();
        String trust = "&trustCertificateKeyStoreType=" + TestCertificates.STORE_TYPE + "&trustCertificateKeyStorePassword="
                + TestCertificates.PASSWORD + "&fallbackToSystemTrustStore=false&trustCertificateKeyStoreUrl=file:";
        assertEachCommandSays(Map.of(
                base + "&sslMode=VERIFY_IDENTITY" + trust + certs.unknownCaTrustStore(),
                "TLS: the server's certificate is not signed by a trusted CA (TLS verify-full, trust store "
                        + certs.unknownCaTrustStore() + ")",
                base + "&sslMode=VERIFY_IDENTITY" + trust + certs.trustStore(),
                "TLS: the server's certificate does not name the host in sink.jdbc (TLS verify-full",
                // MariaDB answers a plaintext login to a server with require_secure_transport as it answers a wrong
                // password, so the line names both.
                base + "&sslMode=DISABLED",
                "the server refused user root (TLS disabled); check the password, and whether the server requires TLS "
                        + "(require_secure_transport), which this connection does not use"));
    }

    /** Runs each command against each URL and checks its error line; collects every miss before failing. */
    private void assertEachCommandSays(Map<String, String> expectedByUrl) throws Exception {
        List<String> misses = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, String> e : expectedByUrl.entrySet()) {
            Path config = Files.writeString(dir.resolve("ferry-" + n++ + ".yaml"), String.join("\n",
                    "etcd.endpoints: http://127.0.0.1:1", "etcd.prefix: /tls/", "kafka.bootstrap: 127.0.0.1:1",
                    "sink.jdbc: " + e.getKey(), "http.port: 0", ""));
            for (String command : COMMANDS) {
                long started = System.nanoTime();
                Cli.Result r = Cli.run(dir, command, "-c", config.toString());
                long ms = (System.nanoTime() - started) / 1_000_000;
                String line = r.err().lines().filter(l -> l.startsWith("ferry " + command + ":")).findFirst().orElse("");
                System.out.printf("ferry %s (%d ms, exit %d): %s%n", command, ms, r.exit(), line);
                if (r.exit() != 2 || !line.contains(e.getValue()) || line.contains(PG.adminPassword())
                        || line.contains(MARIADB.adminPassword())) {
                    misses.add("ferry " + command + " with " + e.getValue() + "\n  exit " + r.exit() + ": " + line + "\n"
                            + r.err());
                }
            }
        }
        assertTrue(misses.isEmpty(), String.join("\n", misses));
    }
}
