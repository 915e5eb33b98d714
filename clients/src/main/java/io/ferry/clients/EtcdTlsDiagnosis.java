package io.ferry.clients;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Explains why TLS to an etcd member fails. gRPC reports a failed handshake only as a call that
 * never completes, so when the start-up probe times out this opens one TLS connection of its own,
 * with the same trust material and host-name check, and watches each step: which certificate the
 * member showed, whether it is trusted, whether it names the host, and whether the member asked for
 * a client certificate and then refused the connection.
 */
final class EtcdTlsDiagnosis {

    private EtcdTlsDiagnosis() {
    }

    /** Why TLS to {@code endpoint} fails, or empty when a handshake there succeeds. */
    static Optional<String> explain(URI endpoint, EtcdTls tls, Duration timeout) {
        int ms = (int) Math.max(500, Math.min(timeout.toMillis(), 5000));
        String host = endpoint.getHost();
        Watching trust;
        RecordingKeys keys;
        SSLContext context;
        try {
            trust = new Watching((X509ExtendedTrustManager) tls.trustManagers().getTrustManagers()[0]);
            keys = new RecordingKeys(tls.keyManagers() == null ? null
                    : (X509ExtendedKeyManager) tls.keyManagers().getKeyManagers()[0]);
            context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException e) {
            return Optional.of("cannot set up TLS from etcd.tls.*: " + e.getMessage());
        }
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, endpoint.getPort()), ms);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, endpoint.getPort(), true)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // as gRPC checks the host name
                socket.setSSLParameters(parameters);
                socket.setSoTimeout(ms);
                socket.startHandshake();
                try {
                    // With TLS 1.3 the member judges the client's certificate after the client's handshake
                    // is done; a refusal arrives as an alert on the first read.
                    socket.getInputStream().read();
                } catch (SocketTimeoutException accepted) {
                    // the member waits for a request: it accepted the connection
                }
                return Optional.empty();
            }
        } catch (SSLException e) {
            return Optional.of(explain(e, endpoint, tls, trust, keys));
        } catch (ConnectException e) {
            return Optional.of("nothing accepts connections at " + host + ":" + endpoint.getPort() + " (" + e.getMessage() + ")");
        } catch (SocketTimeoutException e) {
            return Optional.of("no TLS answer from " + host + ":" + endpoint.getPort() + " within " + ms + " ms");
        } catch (IOException e) {
            return Optional.of(e.toString());
        } finally {
            try {
                plain.close();
            } catch (IOException e) {
                // closing a socket that may never have connected
            }
        }
    }

    private static String explain(SSLException e, URI endpoint, EtcdTls tls, Watching trust, RecordingKeys keys) {
        X509Certificate server = trust.chain == null ? null : trust.chain[0];
        if (trust.untrusted != null) {
            if (causedBy(trust.untrusted, CertificateExpiredException.class)
                    || causedBy(trust.untrusted, CertificateNotYetValidException.class)) {
                return "certificate not valid now: " + describe(server) + " is valid from " + server.getNotBefore().toInstant()
                        + " to " + server.getNotAfter().toInstant();
            }
            return "certificate not trusted (unknown CA): " + endpoint.getHost() + ":" + endpoint.getPort() + " showed "
                    + describe(server) + ", issued by " + server.getIssuerX500Principal() + ", and " + tls.trustSource()
                    + " holds no CA that signed it. Set etcd.tls.ca.file to the CA of etcd's --cert-file";
        }
        if (trust.wrongName != null) {
            return "name mismatch: certificate is for " + names(server) + ", endpoint is " + endpoint.getHost()
                    + ". Use an endpoint the certificate names, or a certificate whose subject alternative names include "
                    + endpoint.getHost();
        }
        String alert = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        boolean refused = alert.contains("bad_certificate") || alert.contains("certificate_required")
                || alert.contains("unknown_ca") || alert.contains("certificate_unknown") || alert.contains("handshake_failure")
                || alert.contains("access_denied");
        if (refused && keys.requested && !tls.clientCertificate()) {
            return "the server requires a client certificate (set etcd.tls.cert.file and etcd.tls.key.file): it asked for "
                    + "one during the handshake and refused the connection without it (" + e.getMessage() + ")";
        }
        if (refused && tls.clientCertificate()) {
            return "the server refused the client certificate " + tls.chain().get(0).getSubjectX500Principal() + ", issued by "
                    + tls.chain().get(0).getIssuerX500Principal() + " (" + e.getMessage() + "): it is not signed by a CA "
                    + "in etcd's --trusted-ca-file, or it has expired";
        }
        if (server == null && (alert.contains("unrecognized ssl message") || alert.contains("unsupported or unrecognized")
                || alert.contains("remote host terminated") || alert.contains("plaintext"))) {
            return "no TLS at " + endpoint.getHost() + ":" + endpoint.getPort() + ": the server there does not speak TLS ("
                    + e.getMessage() + "). If this etcd serves plaintext, its endpoints are http://, and a password then "
                    + "travels in clear";
        }
        return "TLS handshake failed: " + e;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(X509Certificate certificate) {
        return "the certificate " + certificate.getSubjectX500Principal();
    }

    /** The names a certificate is for: its DNS and IP subject alternative names, or its common name without any. */
    static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> san : certificate.getSubjectAlternativeNames()) {
                    int type = (Integer) san.get(0);
                    if (type == 2) {
                        names.add("DNS:" + san.get(1));
                    } else if (type == 7) {
                        names.add("IP:" + san.get(1));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            // fall back to the common name below
        }
        if (names.isEmpty()) {
            EtcdTls.commonName(certificate).ifPresent(cn -> names.add("CN=" + cn));
        }
        return names;
    }

    /**
     * Checks the member's certificate in two steps, so a failure says which one failed: is it
     * signed by a trusted CA, then does it name the host.
     */
    private static final class Watching extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private X509Certificate[] chain;
        private CertificateException untrusted;
        private CertificateException wrongName;

        Watching(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            this.chain = chain;
            try {
                delegate.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                untrusted = e;
                throw e;
            }
            try {
                delegate.checkServerTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                wrongName = e;
                throw e;
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("the diagnosis uses sockets only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the diagnosis checks the host name too: use the socket variant");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a client does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a client does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client does not check clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /** Notes whether the member asked for a client certificate; offers the configured one, if any. */
    private static final class RecordingKeys extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager delegate;
        private volatile boolean requested;

        RecordingKeys(X509ExtendedKeyManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, Socket socket) {
            requested = true;
            return delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, SSLEngine engine) {
            requested = true;
            return delegate == null ? null : delegate.chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate == null ? null : delegate.getCertificateChain(alias);
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return delegate == null ? null : delegate.getPrivateKey(alias);
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
