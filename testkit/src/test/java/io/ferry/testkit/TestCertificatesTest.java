package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the servers and clients rely on: chains, names, key formats and stores. */
class TestCertificatesTest {

    private static final TestCertificates CERTS = TestCertificates.get();

    @Test
    void serverCertificateChainsToTheTestCaAndNamesLocalhostAndLoopback() throws Exception {
        X509Certificate server = read(CERTS.server().cert());

        validate(server, CERTS.trustStore());
        assertEquals(Set.of("localhost", "127.0.0.1"), altNames(server));
        assertEquals("CN=localhost", server.getSubjectX500Principal().getName());
        assertTrue(server.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
    }

    @Test
    void wrongNameServerIsSignedByTheTestCaButNamesNeitherLocalhostNorLoopback() throws Exception {
        X509Certificate wrong = read(CERTS.wrongNameServer().cert());

        validate(wrong, CERTS.trustStore());
        assertEquals(Set.of("wrong-name.invalid"), altNames(wrong));
    }

    @Test
    void clientCertificateCarriesItsCommonNameAndIsMadeOnce() throws Exception {
        TestCertificates.Identity watcher = CERTS.client("ferry-watcher");
        X509Certificate cert = read(watcher.cert());

        validate(cert, CERTS.trustStore());
        assertEquals("CN=ferry-watcher", cert.getSubjectX500Principal().getName());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage());
        assertSame(watcher, CERTS.client("ferry-watcher"));
    }

    @Test
    void unknownCaCertificatesAreNotTrustedByTheTestTrustStoreAndViceVersa() throws Exception {
        X509Certificate stranger = read(CERTS.unknownCaClient("ferry-watcher").cert());

        assertThrows(CertPathValidatorException.class, () -> validate(stranger, CERTS.trustStore()));
        validate(stranger, CERTS.unknownCaTrustStore());
        assertThrows(CertPathValidatorException.class, () -> validate(read(CERTS.server().cert()), CERTS.unknownCaTrustStore()));
    }

    @Test
    void keysComeAsPkcs8AndPkcs1Pem() throws Exception {
        TestCertificates.Identity server = CERTS.server();

        assertTrue(Files.readString(server.key()).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(server.rsaKey()).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    }

    @Test
    void keyStoreHoldsTheKeyAndChainUnderThePassword() throws Exception {
        TestCertificates.Identity sink = CERTS.client("ferry-sink");
        KeyStore ks = load(sink.keyStore());

        String alias = ks.aliases().nextElement();
        assertTrue(ks.getKey(alias, TestCertificates.PASSWORD.toCharArray()) instanceof PrivateKey);
        assertEquals(2, ks.getCertificateChain(alias).length);
        assertEquals(read(sink.cert()), ks.getCertificateChain(alias)[0]);
        assertFalse(CERTS.server().keyStore().equals(sink.keyStore()));
    }

    private static void validate(X509Certificate cert, Path trustStore) throws Exception {
        PKIXParameters params = new PKIXParameters(load(trustStore));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
    }

    private static KeyStore load(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance(TestCertificates.STORE_TYPE);
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        return ks;
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static Set<String> altNames(X509Certificate cert) throws Exception {
        return cert.getSubjectAlternativeNames().stream().map(san -> (String) san.get(1)).collect(Collectors.toSet());
    }
}
