package io.ferry.clients;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.ferry.core.config.EtcdConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.SecuredEtcd;
import io.ferry.testkit.TestCertificates;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ferry's etcd clients against an etcd that requires TLS, a client certificate and RBAC: https://
 * is TLS even without a CA file, PKCS#1 and PKCS#8 keys both work, each kind of TLS failure is named,
 * and a missing permission comes with the command that grants it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EtcdClientsIT {

    @RegisterExtension
    static final SecuredEtcd ETCD = new SecuredEtcd();
    @RegisterExtension
    static final EtcdServer PLAIN = new EtcdServer();

    private static final TestCertificates CERTS = TestCertificates.get();
    private static final String PREFIX = "/tls/";

    @BeforeAll
    static void usersAndData() throws Exception {
        ETCD.addRole("tls-reader");
        ETCD.grantPrefix("tls-reader", PREFIX, Permission.Type.READ);
        ETCD.addUser("tls-reader", null, "tls-reader");
        ETCD.addRole("elsewhere");
        ETCD.grantPrefix("elsewhere", "/other/", Permission.Type.READ);
        ETCD.addUser("elsewhere", null, "elsewhere");
        ETCD.rootClient().getKVClient().put(bytes(PREFIX + "a"), bytes("secret data")).get(30, TimeUnit.SECONDS);
    }

    /**
     * The finding: with no CA file an https:// endpoint talked plaintext and sent the password in
     * clear. Here the endpoint leads, through a relay that records every byte, to an etcd that speaks
     * plaintext: the client must try TLS, fail, and never put the password on the wire.
     */
    @Test
    void httpsWithoutACaFileTalksTlsSoNoPasswordLeavesInClear() throws Exception {
        String password = "never-in-clear-" + UUID.randomUUID();
        try (RecordingRelay relay = new RecordingRelay(java.net.URI.create(PLAIN.endpoint()).getPort())) {
            EtcdConfig config = config(Map.of("etcd.endpoints", "https://127.0.0.1:" + relay.port(),
                    "etcd.user", "ferry", "etcd.password", password, "etcd.connect.timeout.ms", 3000));

            EtcdUnavailableException e;
            try (Client client = EtcdClients.build(config)) {
                e = assertThrows(EtcdUnavailableException.class, () -> EtcdClients.probe(client, config));
            }

            byte[] wire = relay.sentToServer();
            assertTrue(wire.length > 0, "the client reached the relay");
            assertFalse(new String(wire, java.nio.charset.StandardCharsets.ISO_8859_1).contains(password),
                    "the password never crossed the wire in clear");
            assertEquals(0x16, wire[0], "the first byte on the wire opens a TLS handshake record");
            assertTrue(e.getMessage().contains("no TLS at 127.0.0.1:" + relay.port()), e.getMessage());
            assertFalse(e.getMessage().contains(password), e.getMessage());
        }
    }

    @Test
    void pkcs1AndPkcs8KeysBothAuthenticateTheClientCertificate() throws Exception {
        TestCertificates.Identity reader = CERTS.client("tls-reader");
        for (java.nio.file.Path key : new java.nio.file.Path[] {reader.key(), reader.rsaKey()}) {
            EtcdConfig config = config(Map.of("etcd.endpoints", ETCD.endpoint(), "etcd.tls.ca.file", CERTS.caCert().toString(),
                    "etcd.tls.cert.file", reader.cert().toString(), "etcd.tls.key.file", key.toString()));
            try (Client client = EtcdClients.build(config)) {
                EtcdClients.probe(client, config);
                assertEquals("secret data", client.getKVClient().get(bytes(PREFIX + "a")).get(30, TimeUnit.SECONDS)
                        .getKvs().get(0).getValue().toString(UTF_8), "read as tls-reader with the key in " + key);
            }
        }
    }

    /** https:// without etcd.tls.ca.file trusts what the JDK trusts: not the test CA, until the JVM's trust store holds it. */
    @Test
    void withoutACaFileTheJdkTrustStoreDecides() throws Exception {
        TestCertificates.Identity reader = CERTS.client("tls-reader");
        Map<String, Object> settings = Map.of("etcd.endpoints", ETCD.endpoint(), "etcd.tls.cert.file", reader.cert().toString(),
                "etcd.tls.key.file", reader.key().toString(), "etcd.connect.timeout.ms", 2000);

        String why = failure(config(settings));
        assertTrue(why.contains("certificate not trusted (unknown CA)"), why);
        assertTrue(why.contains("the JDK's default trust store (etcd.tls.ca.file is unset)"), why);

        Map<String, String> saved = new HashMap<>();
        for (String p : new String[] {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"}) {
            saved.put(p, System.getProperty(p));
        }
        try {
            System.setProperty("javax.net.ssl.trustStore", CERTS.trustStore().toString());
            System.setProperty("javax.net.ssl.trustStorePassword", TestCertificates.PASSWORD);
            System.setProperty("javax.net.ssl.trustStoreType", TestCertificates.STORE_TYPE);
            EtcdConfig config = config(settings);
            try (Client client = EtcdClients.build(config)) {
                EtcdClients.probe(client, config);
            }
        } finally {
            saved.forEach((p, v) -> {
                if (v == null) {
                    System.clearProperty(p);
                } else {
                    System.setProperty(p, v);
                }
            });
        }
    }

    @Test
    void eachTlsFailureIsNamed() {
        TestCertificates.Identity reader = CERTS.client("tls-reader");
        String unknownCa = failure(config(Map.of("etcd.endpoints", ETCD.endpoint(),
                "etcd.tls.ca.file", CERTS.unknownCaCert().toString(), "etcd.tls.cert.file", reader.cert().toString(),
                "etcd.tls.key.file", reader.key().toString(), "etcd.connect.timeout.ms", 2000)));
        assertTrue(unknownCa.contains("certificate not trusted (unknown CA)"), unknownCa);

        String noCertificate = failure(config(Map.of("etcd.endpoints", ETCD.endpoint(),
                "etcd.tls.ca.file", CERTS.caCert().toString(), "etcd.user", "tls-reader", "etcd.password", "pw",
                "etcd.connect.timeout.ms", 2000)));
        assertTrue(noCertificate.contains("the server requires a client certificate (set etcd.tls.cert.file and "
                + "etcd.tls.key.file)"), noCertificate);

        TestCertificates.Identity stranger = CERTS.unknownCaClient("tls-reader");
        String refused = failure(config(Map.of("etcd.endpoints", ETCD.endpoint(),
                "etcd.tls.ca.file", CERTS.caCert().toString(), "etcd.tls.cert.file", stranger.cert().toString(),
                "etcd.tls.key.file", stranger.key().toString(), "etcd.connect.timeout.ms", 2000)));
        assertTrue(refused.contains("the server refused the client certificate CN=tls-reader"), refused);

        try (SecuredEtcd wrongName = new SecuredEtcd(CERTS.wrongNameServer())) {
            wrongName.start();
            String mismatch = failure(config(Map.of("etcd.endpoints", wrongName.endpoint(),
                    "etcd.tls.ca.file", CERTS.caCert().toString(), "etcd.tls.cert.file", reader.cert().toString(),
                    "etcd.tls.key.file", reader.key().toString(), "etcd.connect.timeout.ms", 2000)));
            assertTrue(mismatch.contains("name mismatch: certificate is for [DNS:wrong-name.invalid], endpoint is 127.0.0.1"),
                    mismatch);
        }
    }

    @Test
    void aMissingPermissionNamesTheKeyAndTheCommandThatGrantsIt() {
        TestCertificates.Identity elsewhere = CERTS.client("elsewhere");
        EtcdConfig config = config(Map.of("etcd.endpoints", ETCD.endpoint(), "etcd.prefix", PREFIX,
                "etcd.tls.ca.file", CERTS.caCert().toString(), "etcd.tls.cert.file", elsewhere.cert().toString(),
                "etcd.tls.key.file", elsewhere.key().toString()));
        try (Client client = EtcdClients.build(config)) {
            EtcdPermissionDenied e = assertThrows(EtcdPermissionDenied.class, () -> EtcdClients.probe(client, config));
            assertTrue(e.getMessage().contains("permission denied for etcd user 'elsewhere'"), e.getMessage());
            assertTrue(e.getMessage().contains("It needs read on the key '/tls/'"), e.getMessage());
            assertTrue(e.getMessage().contains("etcdctl role grant-permission <role> read /tls/"), e.getMessage());
            assertTrue(e.getMessage().contains("etcdctl user grant-role elsewhere <role>"), e.getMessage());
        }
    }

    /** What the start-up probe says when it cannot reach etcd with {@code config}. */
    private static String failure(EtcdConfig config) {
        try (Client client = EtcdClients.build(config)) {
            return assertThrows(EtcdUnavailableException.class, () -> EtcdClients.probe(client, config)).getMessage();
        }
    }

    private static EtcdConfig config(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.putIfAbsent("etcd.prefix", PREFIX);
        return FerryConfig.fromMap(all).etcd();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, UTF_8);
    }
}
