package io.ferry.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How to reach etcd and which part of its keyspace to replicate.
 *
 * @param endpoints client URLs of the etcd members
 * @param prefixes key prefixes to replicate; keys outside them are ignored
 * @param user user name for etcd authentication, if enabled
 * @param password password for {@code user}
 * @param tlsCaFile CA bundle to verify the members' certificates
 * @param tlsCertFile client certificate, for mutual TLS
 * @param tlsKeyFile private key of the client certificate (PKCS#8 PEM)
 * @param connectTimeout how long start-up waits for etcd before failing
 */
public record EtcdConfig(List<URI> endpoints, List<String> prefixes, Optional<String> user, Optional<String> password,
                         Optional<String> tlsCaFile, Optional<String> tlsCertFile, Optional<String> tlsKeyFile,
                         Duration connectTimeout) {

    public static final ConfigKey<List<String>> ENDPOINTS = ConfigKey.builder("etcd.endpoints", ConfigType.STRING_LIST)
            .defaultValue(List.of("http://127.0.0.1:2379"))
            .doc("Client URLs of the etcd members, http:// or https://, as a list or comma-separated.")
            .validator(EtcdConfig::checkEndpoints)
            .build();
    public static final ConfigKey<List<String>> PREFIX = ConfigKey.builder("etcd.prefix", ConfigType.STRING_LIST)
            .defaultValue(List.of("/"))
            .doc("Key prefix to replicate, or a list of them. Every key that starts with one of them is copied.")
            .validator(Validator.nonEmptyList())
            .build();
    public static final ConfigKey<String> USER = ConfigKey.builder("etcd.user", ConfigType.STRING)
            .doc("User name for etcd authentication. Leave unset when etcd auth is off.")
            .build();
    public static final ConfigKey<String> PASSWORD = ConfigKey.builder("etcd.password", ConfigType.STRING)
            .secret()
            .doc("Password for etcd.user. Take it from the environment: ${ETCD_PASSWORD}.")
            .build();
    public static final ConfigKey<String> TLS_CA = ConfigKey.builder("etcd.tls.ca.file", ConfigType.STRING)
            .doc("PEM file with the CA that signed the etcd members' certificates.")
            .build();
    public static final ConfigKey<String> TLS_CERT = ConfigKey.builder("etcd.tls.cert.file", ConfigType.STRING)
            .doc("PEM client certificate, for etcd with --client-cert-auth.")
            .build();
    public static final ConfigKey<String> TLS_KEY = ConfigKey.builder("etcd.tls.key.file", ConfigType.STRING)
            .doc("PEM (PKCS#8) private key of etcd.tls.cert.file.")
            .build();
    public static final ConfigKey<java.time.Duration> CONNECT_TIMEOUT =
            ConfigKey.builder("etcd.connect.timeout.ms", ConfigType.MILLIS)
                    .defaultValue(Duration.ofSeconds(10))
                    .doc("How long start-up waits to reach etcd before it fails with an error naming the endpoints.")
                    .validator(Validator.positive())
                    .build();

    public static final List<ConfigKey<?>> KEYS =
            List.of(ENDPOINTS, PREFIX, USER, PASSWORD, TLS_CA, TLS_CERT, TLS_KEY, CONNECT_TIMEOUT);

    static EtcdConfig from(ConfigValues v) {
        return new EtcdConfig(v.get(ENDPOINTS).stream().map(URI::create).toList(), v.get(PREFIX),
                Optional.ofNullable(v.get(USER)), Optional.ofNullable(v.get(PASSWORD)),
                Optional.ofNullable(v.get(TLS_CA)), Optional.ofNullable(v.get(TLS_CERT)),
                Optional.ofNullable(v.get(TLS_KEY)), v.get(CONNECT_TIMEOUT));
    }

    private static String checkEndpoints(List<String> endpoints) {
        if (endpoints.isEmpty()) {
            return "must list at least one endpoint";
        }
        for (String e : endpoints) {
            if (ConnectionUrl.parse(e).userInfo().isPresent()) {
                return "'" + Secrets.maskUrl(e) + "' holds a user or password, which etcd's clients ignore and logs would "
                        + "show: use etcd.user and etcd.password";
            }
            try {
                URI uri = URI.create(e);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                        || uri.getPort() < 0) {
                    return "'" + Secrets.maskUrl(e) + "' is not an endpoint URL like http://127.0.0.1:2379";
                }
            } catch (IllegalArgumentException ex) {
                return "'" + Secrets.maskUrl(e) + "' is not a URL"; // URI's message would quote it unmasked
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "EtcdConfig[endpoints=" + endpoints + ", prefixes=" + prefixes + ", user=" + user.orElse("-")
                + ", password=" + (password.isPresent() ? "****" : "-") + "]";
    }
}
