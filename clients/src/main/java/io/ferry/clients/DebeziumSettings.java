package io.ferry.clients;

import io.ferry.core.FerryException;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.Secrets;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The connection settings of the rollback path's Debezium connector, built from the same
 * {@link JdbcTarget} as every JDBC connection of Ferry: the host, port and database of the URL,
 * the target's user and password, and its TLS settings ({@link JdbcTls}) in the names each
 * connector reads. PostgreSQL's connector hands {@code database.*} settings to pgjdbc, so every
 * parameter of the URL goes through as it is; the MySQL and MariaDB connectors have their own TLS
 * settings ({@code database.ssl.*}), which their binlog client reads too, so those are translated.
 * Nothing here is a default of Debezium's: {@code sslmode=prefer} or TLS switched off can no longer
 * stand in for what the operator configured.
 */
public final class DebeziumSettings {

    /** Debezium's connector for the database. */
    public enum Connector { POSTGRES, MYSQL, MARIADB }

    /** Connector/J settings the MySQL connector sets itself from {@code database.ssl.*}. */
    private static final Set<String> CONNECTOR_J_TLS = Set.of("sslMode", "useSSL", "requireSSL", "verifyServerCertificate",
            "trustCertificateKeyStoreUrl", "trustCertificateKeyStorePassword", "clientCertificateKeyStoreUrl",
            "clientCertificateKeyStorePassword");

    private DebeziumSettings() {
    }

    /**
     * The connector's {@code database.*} and {@code driver.*} settings for {@code target}.
     *
     * @param preferredUsesTls MariaDB only: whether a connection with the target's own settings ended up
     *     encrypted. Connector/J's default, PREFERRED (TLS when the server offers it), has no equivalent in
     *     MariaDB's connector, so it becomes what it gave the sink: TLS without verification, or none.
     * @throws FerryException when the target names no user, or a trust or key store that is not a file
     */
    public static Properties connection(JdbcTarget target, Connector connector, boolean preferredUsesTls) {
        if (target.user().isEmpty()) {
            throw new FerryException("the rollback path has no database user: Debezium needs one. Set sink.user (or "
                    + "reverse.user for a user of its own), or give one in sink.jdbc");
        }
        URI uri = URI.create(target.jdbcUrl().substring("jdbc:".length()));
        Properties p = new Properties();
        p.setProperty("database.hostname", uri.getHost() == null ? "localhost" : uri.getHost());
        p.setProperty("database.port", Integer.toString(uri.getPort() > 0 ? uri.getPort()
                : connector == Connector.POSTGRES ? 5432 : 3306));
        p.setProperty("database.user", target.user().get());
        target.password().ifPresent(pw -> p.setProperty("database.password", pw));
        JdbcTls tls = JdbcTls.of(target);
        switch (connector) {
            case POSTGRES -> {
                p.setProperty("database.dbname", uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", ""));
                // pgjdbc reads the same names: sslmode, sslrootcert, sslcert, sslkey, sslpassword, and the rest.
                target.parameters().forEach((k, v) -> p.setProperty("database." + k, v));
                p.setProperty("database.sslmode", switch (tls.mode()) {
                    case DISABLED -> "disable";
                    case PREFERRED -> target.parameters().getOrDefault("sslmode", "prefer");
                    case REQUIRED -> "require";
                    case VERIFY_CA -> "verify-ca";
                    case VERIFY_FULL -> "verify-full";
                });
            }
            case MYSQL -> {
                target.parameters().forEach((k, v) -> {
                    if (!CONNECTOR_J_TLS.contains(k)) {
                        p.setProperty("driver." + k, v);
                    }
                });
                p.setProperty("database.ssl.mode", tls.mode() == JdbcTls.Mode.VERIFY_FULL ? "verify_identity"
                        : tls.mode().name().toLowerCase(Locale.ROOT));
                stores(tls, p);
            }
            case MARIADB -> {
                p.setProperty("database.ssl.mode", switch (tls.mode()) {
                    case DISABLED -> "disable";
                    case PREFERRED -> preferredUsesTls ? "trust" : "disable";
                    case REQUIRED -> "trust";
                    case VERIFY_CA -> "verify-ca";
                    case VERIFY_FULL -> "verify-full";
                });
                stores(tls, p);
                // MariaDB's driver reads the stores' types under its own names.
                tls.trustStoreType().ifPresent(t -> p.setProperty("driver.trustStoreType", t));
                tls.keyStoreType().ifPresent(t -> p.setProperty("driver.keyStoreType", t));
            }
            default -> throw new IllegalStateException("unknown connector " + connector);
        }
        return p;
    }

    private static void stores(JdbcTls tls, Properties p) {
        file(tls.trustStore(), "trustCertificateKeyStoreUrl").ifPresent(f -> p.setProperty("database.ssl.truststore", f));
        tls.trustStorePassword().ifPresent(pw -> p.setProperty("database.ssl.truststore.password", pw));
        file(tls.keyStore(), "clientCertificateKeyStoreUrl").ifPresent(f -> p.setProperty("database.ssl.keystore", f));
        tls.keyStorePassword().ifPresent(pw -> p.setProperty("database.ssl.keystore.password", pw));
    }

    private static Optional<String> file(Optional<String> store, String setting) {
        if (store.isPresent() && store.get().matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
            throw new FerryException(setting + "=" + Secrets.maskUrl(store.get()) + " in sink.jdbc is not a file: the rollback "
                    + "path's binlog client reads trust and key stores from files only; use file:/path/to/store");
        }
        return store;
    }
}
