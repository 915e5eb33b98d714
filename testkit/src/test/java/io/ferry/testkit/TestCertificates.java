package io.ferry.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates for servers that require TLS, made once per JVM with the {@code openssl} command
 * line (OpenSSL 3) in a temporary directory that is deleted when the JVM ends.
 *
 * <p>There are two unrelated certificate authorities: the test CA, which signs every server and
 * client certificate handed out here and which the servers trust, and an unknown CA, which
 * nothing trusts, for "certificate from an unknown CA" tests. Every identity comes as PEM files
 * (the certificate; its RSA key as PKCS#8, {@code BEGIN PRIVATE KEY}, which jetcd/netty, Go and
 * pgjdbc read, and as PKCS#1, {@code BEGIN RSA PRIVATE KEY}, which some tools insist on) and as a
 * PKCS12 key store with the chain, for Kafka and JDBC clients. Every store and key uses
 * {@link #PASSWORD}.
 *
 * <p>Server certificates name {@code localhost} and {@code 127.0.0.1} in their subject alternative
 * names, so clients may verify host names against either; {@link #wrongNameServer()} names
 * neither, for host-name verification tests. Client certificates carry only a common name, which is
 * what etcd takes as the user and what the secured Kafka broker maps to the principal
 * {@code User:<common name>}.
 *
 * <pre>{@code
 * TestCertificates certs = TestCertificates.get();
 * Identity watcher = certs.client("ferry-watcher");
 * props.put("ssl.keystore.location", watcher.keyStore().toString());
 * props.put("ssl.truststore.location", certs.trustStore().toString());
 * }</pre>
 */
public final class TestCertificates {

    /** The password of every key store and trust store made here (PKCS12 has one password for store and keys). */
    public static final String PASSWORD = "ferry-test-secret";

    /** The type of every store made here, as Kafka's and Connector/J's {@code *.type} settings spell it. */
    public static final String STORE_TYPE = "PKCS12";

    /**
     * One certificate with its key, signed by one of the two CAs.
     *
     * @param commonName the subject's CN (for clients, the etcd user and Kafka principal)
     * @param cert       the certificate, PEM
     * @param key        its private key, PEM, PKCS#8 ({@code BEGIN PRIVATE KEY})
     * @param rsaKey     the same key, PEM, PKCS#1 ({@code BEGIN RSA PRIVATE KEY})
     * @param keyStore   a PKCS12 store with the key and the chain up to the CA, password {@link #PASSWORD}
     */
    public record Identity(String commonName, Path cert, Path key, Path rsaKey, Path keyStore) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(TestCertificates.class);
    private static final Duration OPENSSL_LIMIT = Duration.ofSeconds(60);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static TestCertificates instance;

    private final Path dir;
    private final Authority ca;
    private final Authority unknownCa;
    private final Map<String, Identity> issued = new HashMap<>();

    /** A CA: its certificate, key and a trust store holding the certificate. */
    private record Authority(String name, Path cert, Path key, Path trustStore) {
    }

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.ca = authority("ca", "Ferry Test CA");
        this.unknownCa = authority("unknown-ca", "Unknown Test CA");
    }

    /** The certificates of this JVM, made on first use. */
    public static synchronized TestCertificates get() {
        if (instance == null) {
            long started = System.nanoTime();
            Path dir = TempDirs.create("ferry-certs-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> TempDirs.delete(dir), "ferry-testkit-certs-cleanup"));
            instance = new TestCertificates(dir);
            instance.server();
            LOG.info("Test certificates made in {} ms in {}",
                    (System.nanoTime() - started) / 1_000_000, dir);
        }
        return instance;
    }

    /** The directory holding every file made here. */
    public Path dir() {
        return dir;
    }

    /** The test CA's certificate, PEM: what clients trust ({@code --trusted-ca-file}, {@code sslrootcert}). */
    public Path caCert() {
        return ca.cert();
    }

    /** A PKCS12 trust store holding only the test CA, password {@link #PASSWORD}. */
    public Path trustStore() {
        return ca.trustStore();
    }

    /** The unknown CA's certificate, PEM: trusting it instead of the test CA must make clients refuse the servers. */
    public Path unknownCaCert() {
        return unknownCa.cert();
    }

    /** A PKCS12 trust store holding only the unknown CA, password {@link #PASSWORD}. */
    public Path unknownCaTrustStore() {
        return unknownCa.trustStore();
    }

    /** The servers' certificate: CN {@code localhost}, SANs {@code DNS:localhost} and {@code IP:127.0.0.1}. */
    public Identity server() {
        return server("localhost");
    }

    /**
     * A server certificate with the given common name and the SANs {@code DNS:localhost} and
     * {@code IP:127.0.0.1}, also usable as a client certificate (a Kafka broker talks to itself).
     */
    public synchronized Identity server(String commonName) {
        return issue("server-" + commonName, commonName, ca,
                "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
    }

    /** A server certificate signed by the test CA for {@code wrong-name.invalid} only: host-name verification must refuse it. */
    public synchronized Identity wrongNameServer() {
        return issue("server-wrong-name", "wrong-name.invalid", ca,
                "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:wrong-name.invalid\n");
    }

    /** A client certificate with the given common name, signed by the test CA; made once per name. */
    public synchronized Identity client(String commonName) {
        return issue("client-" + commonName, commonName, ca, "extendedKeyUsage=clientAuth\n");
    }

    /** A client certificate with the given common name, signed by the unknown CA, which no server trusts. */
    public synchronized Identity unknownCaClient(String commonName) {
        return issue("unknown-client-" + commonName, commonName, unknownCa, "extendedKeyUsage=clientAuth\n");
    }

    private Identity issue(String label, String commonName, Authority issuer, String extensions) {
        String base = label.replaceAll("[^A-Za-z0-9._-]", "_");
        Identity known = issued.get(base);
        if (known != null) {
            return known;
        }
        Path key = dir.resolve(base + ".key");
        Path rsaKey = dir.resolve(base + ".rsa.key");
        Path csr = dir.resolve(base + ".csr");
        Path ext = write(dir.resolve(base + ".ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\n" + extensions);
        Path cert = dir.resolve(base + ".pem");
        Path keyStore = dir.resolve(base + ".p12");
        newKey(key);
        openssl("rsa", "-in", key.toString(), "-traditional", "-out", rsaKey.toString());
        openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=" + commonName, "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", issuer.cert().toString(), "-CAkey", issuer.key().toString(),
                "-set_serial", serial(), "-days", "3650", "-sha256", "-extfile", ext.toString(), "-out", cert.toString());
        openssl("pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(), "-certfile", issuer.cert().toString(),
                "-name", commonName, "-passout", "pass:" + PASSWORD, "-out", keyStore.toString());
        Identity identity = new Identity(commonName, cert, key, rsaKey, keyStore);
        issued.put(base, identity);
        return identity;
    }

    private Authority authority(String base, String commonName) {
        Path key = dir.resolve(base + ".key");
        Path cert = dir.resolve(base + ".pem");
        newKey(key);
        openssl("req", "-x509", "-new", "-key", key.toString(), "-sha256", "-days", "3650", "-subj", "/CN=" + commonName,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-out", cert.toString());
        return new Authority(commonName, cert, key, trustStoreOf(cert, dir.resolve(base + "-truststore.p12")));
    }

    /**
     * A PKCS12 trust store written by Java itself: OpenSSL 3.0's {@code pkcs12 -export -nokeys} lacks the
     * attribute that marks a certificate as trusted for Java, which would then load an empty store.
     */
    private static Path trustStoreOf(Path cert, Path store) {
        try (InputStream in = Files.newInputStream(cert); OutputStream out = Files.newOutputStream(store)) {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore ks = KeyStore.getInstance(STORE_TYPE);
            ks.load(null, null);
            ks.setCertificateEntry("ca", certificate);
            ks.store(out, PASSWORD.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not write the trust store " + store + " for " + cert, e);
        }
    }

    private void newKey(Path key) {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
    }

    private static String serial() {
        // Positive and random, so that no two certificates from one CA share a serial and no serial file is needed.
        return "0x" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE | 1L << 62);
    }

    private void openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        int exit = Processes.await(Processes.start(command, log, Map.of()), OPENSSL_LIMIT);
        if (exit != 0) {
            throw new IllegalStateException("openssl " + args[0] + " failed with exit code " + exit + " (" + String.join(" ", command)
                    + "). Is OpenSSL 3 installed (apt-get install openssl)?\n" + Processes.tail(log, 20));
        }
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }
}
