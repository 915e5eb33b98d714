package io.ferry.clients;

import io.ferry.core.FerryException;
import io.ferry.core.config.JdbcTarget;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The TLS settings of a database target, read from its JDBC URL's parameters as its driver reads
 * them: pgjdbc's {@code sslmode}, {@code ssl}, {@code sslrootcert}, {@code sslcert}, {@code sslkey};
 * Connector/J's {@code sslMode} (or the older {@code useSSL}, {@code requireSSL},
 * {@code verifyServerCertificate}), {@code trustCertificateKeyStore*} and
 * {@code clientCertificateKeyStore*}. The sink, the tools and the rollback path all connect with
 * these same settings; this record is what lets the rollback path's Debezium connector, which
 * names them differently, be given the same ones ({@link DebeziumSettings}).
 *
 * @param mode how much the connection verifies
 * @param caFile PostgreSQL: the CA certificates (PEM) the server's certificate must chain to
 * @param trustStore Connector/J: the trust store file, from {@code trustCertificateKeyStoreUrl}
 * @param trustStorePassword the trust store's password
 * @param trustStoreType the trust store's type (PKCS12, JKS)
 * @param clientCert PostgreSQL: the client certificate file
 * @param clientKey PostgreSQL: the client key file
 * @param keyStore Connector/J: the client certificate's key store file
 * @param keyStorePassword the key store's password
 * @param keyStoreType the key store's type
 */
public record JdbcTls(Mode mode, Optional<String> caFile, Optional<String> trustStore, Optional<String> trustStorePassword,
                      Optional<String> trustStoreType, Optional<String> clientCert, Optional<String> clientKey,
                      Optional<String> keyStore, Optional<String> keyStorePassword, Optional<String> keyStoreType) {

    /** How much a connection verifies, from none to the server's name. */
    public enum Mode {
        /** No TLS. */
        DISABLED,
        /** TLS when the server offers it, unverified (both drivers' default). */
        PREFERRED,
        /** TLS required, the server's certificate not verified. */
        REQUIRED,
        /** TLS required, the server's certificate chain verified. */
        VERIFY_CA,
        /** TLS required, the chain and the server's name verified: {@code verify-full}, {@code VERIFY_IDENTITY}. */
        VERIFY_FULL
    }

    /** The TLS settings {@code target}'s URL gives (none for SQLite, which is a file). */
    public static JdbcTls of(JdbcTarget target) {
        Map<String, String> p = target.parameters();
        return switch (target.kind()) {
            case POSTGRES -> postgres(p);
            case MYSQL -> connectorJ(p);
            case SQLITE -> new JdbcTls(Mode.DISABLED, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        };
    }

    private static JdbcTls postgres(Map<String, String> p) {
        String sslmode = p.get("sslmode");
        Mode mode;
        if (sslmode == null) {
            // pgjdbc: ssl=true without an sslmode means verify-full.
            mode = "true".equalsIgnoreCase(p.get("ssl")) ? Mode.VERIFY_FULL : Mode.PREFERRED;
        } else {
            mode = switch (sslmode.toLowerCase(Locale.ROOT)) {
                case "disable" -> Mode.DISABLED;
                case "allow", "prefer" -> Mode.PREFERRED;
                case "require" -> Mode.REQUIRED;
                case "verify-ca" -> Mode.VERIFY_CA;
                case "verify-full" -> Mode.VERIFY_FULL;
                default -> throw new FerryException("sslmode=" + sslmode + " in sink.jdbc is not a PostgreSQL sslmode: use "
                        + "disable, allow, prefer, require, verify-ca or verify-full (verify-full in production)");
            };
        }
        return new JdbcTls(mode, opt(p, "sslrootcert"), Optional.empty(), Optional.empty(), Optional.empty(),
                opt(p, "sslcert"), opt(p, "sslkey"), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static JdbcTls connectorJ(Map<String, String> p) {
        String sslMode = p.get("sslMode");
        Mode mode;
        if (sslMode != null) {
            mode = switch (sslMode.toUpperCase(Locale.ROOT)) {
                case "DISABLED" -> Mode.DISABLED;
                case "PREFERRED" -> Mode.PREFERRED;
                case "REQUIRED" -> Mode.REQUIRED;
                case "VERIFY_CA" -> Mode.VERIFY_CA;
                case "VERIFY_IDENTITY" -> Mode.VERIFY_FULL;
                default -> throw new FerryException("sslMode=" + sslMode + " in sink.jdbc is not a Connector/J sslMode: use "
                        + "DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY (VERIFY_IDENTITY in production)");
            };
        } else if ("false".equalsIgnoreCase(p.get("useSSL"))) {
            mode = Mode.DISABLED;
        } else if ("true".equalsIgnoreCase(p.get("verifyServerCertificate"))) {
            mode = Mode.VERIFY_CA; // Connector/J's mapping of the older settings
        } else if ("true".equalsIgnoreCase(p.get("requireSSL"))) {
            mode = Mode.REQUIRED;
        } else {
            mode = Mode.PREFERRED;
        }
        return new JdbcTls(mode, Optional.empty(), opt(p, "trustCertificateKeyStoreUrl").map(JdbcTls::file),
                opt(p, "trustCertificateKeyStorePassword"), opt(p, "trustCertificateKeyStoreType"), Optional.empty(),
                Optional.empty(), opt(p, "clientCertificateKeyStoreUrl").map(JdbcTls::file),
                opt(p, "clientCertificateKeyStorePassword"), opt(p, "clientCertificateKeyStoreType"));
    }

    /** Whether the connection refuses to run without TLS. */
    public boolean required() {
        return mode == Mode.REQUIRED || mode == Mode.VERIFY_CA || mode == Mode.VERIFY_FULL;
    }

    /** For messages: the mode and where the trusted CA comes from, never a password. */
    public String describe() {
        String trust = caFile.map(f -> ", CA " + f).or(() -> trustStore.map(f -> ", trust store " + f)).orElse("");
        return "TLS " + mode.name().toLowerCase(Locale.ROOT).replace('_', '-') + trust;
    }

    @Override
    public String toString() {
        return "JdbcTls[" + describe() + "]";
    }

    private static Optional<String> opt(Map<String, String> p, String name) {
        String v = p.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /** Connector/J names stores by URL; Debezium and the binlog client want a file (other URLs are kept as written). */
    private static String file(String url) {
        if (url.startsWith("file://")) {
            return url.substring("file://".length());
        }
        return url.startsWith("file:") ? url.substring("file:".length()) : url;
    }
}
