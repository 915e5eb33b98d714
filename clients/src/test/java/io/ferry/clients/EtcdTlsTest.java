package io.ferry.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.FerryException;
import io.ferry.core.config.EtcdConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS files of the etcd connection, read with the JDK alone: PKCS#1 and PKCS#8 keys, and what is refused. */
class EtcdTlsTest {

    private static final TestCertificates CERTS = TestCertificates.get();

    @TempDir
    Path dir;

    @Test
    void pkcs1AndPkcs8FilesOfOneKeyGiveTheSameKey() {
        TestCertificates.Identity id = CERTS.client("pem-reader");
        PrivateKey pkcs8 = PemFiles.privateKey(id.key().toString(), "RSA", "etcd.tls.key.file");
        PrivateKey pkcs1 = PemFiles.privateKey(id.rsaKey().toString(), "RSA", "etcd.tls.key.file");
        assertArrayEquals(pkcs8.getEncoded(), pkcs1.getEncoded(), "PKCS#1 is decoded into the very same RSA key");

        EtcdTls tls = EtcdTls.load(config(id.cert(), id.rsaKey()));
        assertTrue(tls.clientCertificate());
        assertEquals("pem-reader", tls.clientCommonName().orElseThrow());
        assertTrue(tls.describe().contains("trusting etcd.tls.ca.file"), tls.describe());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        TestCertificates.Identity mine = CERTS.client("pem-owner");
        TestCertificates.Identity other = CERTS.client("pem-other");
        FerryException e = assertThrows(FerryException.class, () -> EtcdTls.load(config(mine.cert(), other.rsaKey())));
        assertTrue(e.getMessage().contains("is not the private key of the certificate"), e.getMessage());
    }

    @Test
    void encryptedAndNonPemKeysAreRefusedNamingTheKey() throws Exception {
        TestCertificates.Identity id = CERTS.client("pem-reader");
        Path encrypted = Files.writeString(dir.resolve("enc.pem"), """
                -----BEGIN RSA PRIVATE KEY-----
                Proc-Type: 4,ENCRYPTED
                DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF

                AAAA
                -----END RSA PRIVATE KEY-----
                """);
        FerryException enc = assertThrows(FerryException.class, () -> EtcdTls.load(config(id.cert(), encrypted)));
        assertTrue(enc.getMessage().startsWith("etcd.tls.key.file = " + encrypted + ": the private key is encrypted"),
                enc.getMessage());

        Path text = Files.writeString(dir.resolve("ca.txt"), "not a certificate");
        FerryException ca = assertThrows(FerryException.class, () -> EtcdTls.load(FerryConfig.fromMap(Map.of(
                "etcd.endpoints", "https://127.0.0.1:2379", "etcd.tls.ca.file", text.toString())).etcd()));
        assertTrue(ca.getMessage().startsWith("etcd.tls.ca.file = " + text + ": is not a PEM file"), ca.getMessage());
    }

    @Test
    void withoutACaFileTheJdkTrustStoreIsNamed() {
        EtcdTls tls = EtcdTls.load(FerryConfig.fromMap(Map.of("etcd.endpoints", "https://127.0.0.1:2379")).etcd());
        assertTrue(tls.trusted().isEmpty());
        assertTrue(tls.trustSource().contains("the JDK's default trust store"), tls.trustSource());
    }

    private static EtcdConfig config(Path cert, Path key) {
        return FerryConfig.fromMap(Map.of("etcd.endpoints", "https://127.0.0.1:2379",
                "etcd.tls.ca.file", CERTS.caCert().toString(), "etcd.tls.cert.file", cert.toString(),
                "etcd.tls.key.file", key.toString())).etcd();
    }
}
