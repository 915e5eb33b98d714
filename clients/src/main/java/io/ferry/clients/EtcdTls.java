package io.ferry.clients;

import io.ferry.core.FerryException;
import io.ferry.core.config.EtcdConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS material of Ferry's etcd connection, read once from the configuration and used both by
 * the jetcd client and by the handshake that explains a failure, so the two can never trust
 * different things.
 *
 * @param caFile the CA file as configured, or null for the JDK's default trust store
 * @param trusted the CAs from {@code caFile}; empty for the JDK's default trust store
 * @param key the client certificate's private key, or null without a client certificate
 * @param chain the client certificate first, then any intermediates; empty without one
 */
record EtcdTls(String caFile, List<X509Certificate> trusted, PrivateKey key, List<X509Certificate> chain) {

    private static final char[] IN_MEMORY = "ferry".toCharArray();

    /** Reads and checks the files {@code etcd.tls.*} name: certificates parse, and the key belongs to the certificate. */
    static EtcdTls load(EtcdConfig config) {
        String ca = config.tlsCaFile().orElse(null);
        List<X509Certificate> trusted = ca == null ? List.of() : PemFiles.certificates(ca, EtcdConfig.TLS_CA.name());
        if (config.tlsCertFile().isEmpty()) {
            return new EtcdTls(ca, trusted, null, List.of());
        }
        String certFile = config.tlsCertFile().get();
        String keyFile = config.tlsKeyFile().orElseThrow(() -> new FerryException(
                "etcd.tls.cert.file is set but etcd.tls.key.file is not: set both for mutual TLS"));
        List<X509Certificate> chain = PemFiles.certificates(certFile, EtcdConfig.TLS_CERT.name());
        PrivateKey key = PemFiles.privateKey(keyFile, chain.get(0).getPublicKey().getAlgorithm(), EtcdConfig.TLS_KEY.name());
        if (!belongTogether(key, chain.get(0))) {
            throw new FerryException("etcd.tls.key.file = " + keyFile + " is not the private key of the certificate in "
                    + "etcd.tls.cert.file = " + certFile + " (" + chain.get(0).getSubjectX500Principal() + ")");
        }
        return new EtcdTls(ca, trusted, key, chain);
    }

    boolean clientCertificate() {
        return key != null;
    }

    /** What the client trusts, in words, for messages. */
    String trustSource() {
        return caFile == null ? "the JDK's default trust store (etcd.tls.ca.file is unset)" : "etcd.tls.ca.file (" + caFile + ")";
    }

    /** The common name of the client certificate: the etcd user when no {@code etcd.user} is set. */
    Optional<String> clientCommonName() {
        return chain.isEmpty() ? Optional.empty() : commonName(chain.get(0));
    }

    /** Never the key: a record would print every component. */
    @Override
    public String toString() {
        return "EtcdTls[" + describe() + "]";
    }

    /** One line for {@code ferry check}. */
    String describe() {
        return "TLS trusting " + trustSource() + (clientCertificate() ? ", client certificate "
                + chain.get(0).getSubjectX500Principal() + " (valid until " + chain.get(0).getNotAfter().toInstant() + ")"
                : ", no client certificate");
    }

    /** A trust manager factory with the configured CAs, or the JDK's default trust store. */
    TrustManagerFactory trustManagers() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (trusted.isEmpty()) {
            tmf.init((KeyStore) null);
            return tmf;
        }
        KeyStore store = emptyStore();
        for (int i = 0; i < trusted.size(); i++) {
            store.setCertificateEntry("ca-" + i, trusted.get(i));
        }
        tmf.init(store);
        return tmf;
    }

    /** A key manager factory with the client certificate, or null without one. */
    KeyManagerFactory keyManagers() throws GeneralSecurityException {
        if (!clientCertificate()) {
            return null;
        }
        KeyStore store = emptyStore();
        store.setKeyEntry("client", key, IN_MEMORY, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, IN_MEMORY);
        return kmf;
    }

    static Optional<String> commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            // a subject the JDK printed cannot be malformed; without a CN there is no user to name
        }
        return Optional.empty();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot create an in-memory key store", e);
        }
        return store;
    }

    /** Signs a few bytes with the key and verifies them with the certificate: works for RSA, EC and EdDSA alike. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA sign without a separate digest
        };
        try {
            byte[] probe = "ferry etcd.tls.key.file check".getBytes(StandardCharsets.UTF_8);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
