package io.ferry.clients;

import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.Secrets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.sql.SQLException;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Why a database connection failed, decided in one place for every JDBC and Debezium connection,
 * by walking the cause chain: a TLS failure (untrusted certificate, wrong name, TLS missing on one
 * side), refused credentials or a missing privilege are the configuration's fault, and trying
 * again cannot help, unlike a server that is down or restarting. {@link #describe} turns each
 * into one line that names the cause and the setting to check.
 */
public final class JdbcFailures {

    /** What kind of failure, as far as the chain tells. */
    public enum Kind {
        /** The server's certificate does not chain to a trusted CA. */
        TLS_UNTRUSTED,
        /** The server's certificate does not name the host connected to. */
        TLS_WRONG_NAME,
        /** The server accepts only TLS connections, and this one did not use TLS. */
        TLS_REQUIRED_BY_SERVER,
        /** The connection requires TLS, and the server does not offer it. */
        TLS_NOT_OFFERED,
        /** The server refused the user name or password. */
        AUTHENTICATION,
        /** The user lacks a privilege. */
        PERMISSION,
        /** The connector's configuration is invalid (Debezium's validation). */
        CONFIGURATION,
        /** Anything else: the server may be down, restarting or unreachable, or the failure is not about connecting. */
        OTHER;

        /** Whether this failure comes from the configuration or the server's set-up, so that retrying cannot help. */
        public boolean configuration() {
            return this != OTHER;
        }
    }

    private JdbcFailures() {
    }

    /** Classifies a failure by its cause chain (and the SQL exceptions chained to each). */
    public static Kind kind(Throwable failure) {
        Kind found = Kind.OTHER;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Kind k = kindOf(t);
            if (t instanceof SQLException s) {
                for (SQLException n = s.getNextException(); n != null && k == Kind.OTHER; n = n.getNextException()) {
                    k = kindOf(n);
                }
            }
            if (k != Kind.OTHER && (found == Kind.OTHER || found == Kind.CONFIGURATION)) {
                found = k; // the most specific cause wins over Debezium's "configuration is not valid" around it
            }
        }
        return found;
    }

    /** Whether retrying cannot help: see {@link Kind#configuration()}. */
    public static boolean isConfiguration(Throwable failure) {
        return kind(failure).configuration();
    }

    /**
     * One line: what failed and what to check, for a connection to {@code target} as its user.
     * Ends with the driver's own message, masked.
     */
    public static String describe(Throwable failure, JdbcTarget target) {
        String user = target.user().orElse("(no user)");
        String tls;
        try {
            tls = JdbcTls.of(target).describe();
        } catch (RuntimeException badSetting) {
            tls = "TLS " + badSetting.getMessage();
        }
        String driver = oneLine(innermostMessage(failure));
        String what = switch (kind(failure)) {
            case TLS_UNTRUSTED -> "TLS: the server's certificate is not signed by a trusted CA (" + tls + "); check the CA "
                    + "setting in sink.jdbc (sslrootcert, trustCertificateKeyStoreUrl)";
            case TLS_WRONG_NAME -> "TLS: the server's certificate does not name the host in sink.jdbc (" + tls + "); connect by "
                    + "a name the certificate holds, or reissue the certificate";
            case TLS_REQUIRED_BY_SERVER -> "the server accepts only TLS connections and this one did not use TLS (" + tls
                    + "); set sslmode=verify-full (PostgreSQL) or sslMode=VERIFY_IDENTITY (MySQL/MariaDB) in sink.jdbc";
            case TLS_NOT_OFFERED -> "the connection requires TLS (" + tls + ") but the server does not offer it; enable TLS "
                    + "on the server";
            case AUTHENTICATION -> "the server refused user " + user + " (" + tls + "); check the password"
                    + (target.kind() == JdbcTarget.Kind.MYSQL && !tlsRequired(target)
                    ? ", and whether the server requires TLS (require_secure_transport), which this connection does not use" : "");
            case PERMISSION -> "user " + user + " lacks a privilege; docs/security.md lists the grants each part needs";
            case CONFIGURATION -> "the connector's configuration is invalid";
            case OTHER -> "is the server up and reachable?";
        };
        return what + ": " + driver;
    }

    private static Kind kindOf(Throwable t) {
        String type = t.getClass().getName();
        if (type.startsWith("io.grpc.") || type.startsWith("io.etcd.")
                || (t.getMessage() != null && t.getMessage().contains("etcdserver:"))) {
            return Kind.OTHER; // etcd's own answers (its "permission denied" among them) are not the database's
        }
        if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
            return Kind.TLS_UNTRUSTED;
        }
        if (t instanceof SSLPeerUnverifiedException) {
            return Kind.TLS_WRONG_NAME;
        }
        String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("pkix path") || m.contains("unable to find valid certification path")
                || m.contains("does not chain with any of the trust anchors") || m.contains("unable to find certificate chain")) {
            return Kind.TLS_UNTRUSTED;
        }
        if (m.contains("could not be verified by hostnameverifier") || m.contains("server identity verification failed")
                || m.contains("no subject alternative names matching") || m.contains("no subject alternative dns name matching")
                || m.contains("no name matching")) {
            return Kind.TLS_WRONG_NAME;
        }
        if ((m.contains("no pg_hba.conf entry") && m.contains("no encryption")) || m.contains("insecure transport are prohibited")) {
            return Kind.TLS_REQUIRED_BY_SERVER;
        }
        if (m.contains("server does not support ssl") || m.contains("ssl connection required, but not supported")
                || m.contains("does not support ssl connections")) {
            return Kind.TLS_NOT_OFFERED;
        }
        String state = t instanceof SQLException s && s.getSQLState() != null ? s.getSQLState() : "";
        int code = t instanceof SQLException s ? s.getErrorCode() : 0;
        if (state.startsWith("28") || code == 1045 || m.contains("password authentication failed")
                || m.contains("no password was provided") || m.contains("access denied for user")) {
            return Kind.AUTHENTICATION;
        }
        if (state.equals("42501") || code == 1044 || code == 1142 || code == 1227 || m.contains("permission denied")
                || m.contains("must be superuser or replication role") || m.contains("must have replication")
                || m.contains("command denied to user") || m.contains("you need (at least one of) the")
                || m.contains("privilege required")) {
            return Kind.PERMISSION;
        }
        if (m.contains("value is invalid") || m.contains("a value is required")) {
            return Kind.CONFIGURATION;
        }
        return Kind.OTHER;
    }

    private static String innermostMessage(Throwable failure) {
        String message = failure.toString();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message;
    }

    private static String oneLine(String s) {
        String flat = Secrets.maskUrl(s).replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
        return flat.length() > 400 ? flat.substring(0, 400) + "..." : flat;
    }

    /** {@link JdbcTls#required()} for a target whose TLS settings may themselves be invalid. */
    private static boolean tlsRequired(JdbcTarget target) {
        try {
            return JdbcTls.of(target).required();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
