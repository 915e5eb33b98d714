package io.ferry.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How to reach etcd and which part of its keyspace to replicate.
 *
 * @param endpoints client URLs of the etcd members
 * @param prefixes key prefixes to replicate; keys outside them are ignored
 * @param user user name for etcd authentication, if enabled
 * @param password password for {@code user}
 * @param tlsCaFile CA bundle to verify the members' certificates; unset with {@code https} endpoints means
 *     the JDK's default trust store
 * @param tlsCertFile client certificate, for mutual TLS
 * @param tlsKeyFile private key of the client certificate (PEM, PKCS#8 or PKCS#1)
 * @param connectTimeout how long start-up waits for etcd before failing
 * @param allowPlaintextPassword whether a password may go to {@code http://} endpoints, in clear
 */
public record EtcdConfig(List<URI> endpoints, List<String> prefixes, Optional<String> user, Optional<String> password,
                         Optional<String> tlsCaFile, Optional<String> tlsCertFile, Optional<String> tlsKeyFile,
                         Duration connectTimeout, boolean allowPlaintextPassword) {

    public static final ConfigKey<List<String>> ENDPOINTS = ConfigKey.builder("etcd.endpoints", ConfigType.STRING_LIST)
            .defaultValue(List.of("http://127.0.0.1:2379"))
            .doc("Client URLs of the etcd members, as a list or comma-separated. https:// always means TLS (trusting "
                    + "etcd.tls.ca.file, or the JDK's default trust store when it is unset); http:// means plaintext. "
                    + "All members use the same scheme.")
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
            .doc("PEM file with the CA(s) that signed the etcd members' server certificates (their --cert-file). "
                    + "Unset: the JDK's default trust store. Needs https:// endpoints.")
            .validator(Validator.readableFile())
            .build();
    public static final ConfigKey<String> TLS_CERT = ConfigKey.builder("etcd.tls.cert.file", ConfigType.STRING)
            .doc("PEM client certificate (chain), for etcd with --client-cert-auth; set etcd.tls.key.file with it. "
                    + "Without etcd.user, etcd takes the user from its common name.")
            .validator(Validator.readableFile())
            .build();
    public static final ConfigKey<String> TLS_KEY = ConfigKey.builder("etcd.tls.key.file", ConfigType.STRING)
            .doc("PEM private key of etcd.tls.cert.file, unencrypted: PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 "
                    + "(BEGIN RSA PRIVATE KEY).")
            .validator(Validator.readableFile())
            .build();
    public static final ConfigKey<Boolean> ALLOW_PLAINTEXT_PASSWORD =
            ConfigKey.builder("etcd.allow.plaintext.password", ConfigType.BOOLEAN)
                    .defaultValue(false)
                    .doc("Let etcd.password go to http:// endpoints, where anyone on the path can read it and then act "
                            + "as that user. Refused unless true; use https:// endpoints instead. For a test etcd on "
                            + "loopback only.")
                    .build();
    public static final ConfigKey<java.time.Duration> CONNECT_TIMEOUT =
            ConfigKey.builder("etcd.connect.timeout.ms", ConfigType.MILLIS)
                    .defaultValue(Duration.ofSeconds(10))
                    .doc("How long start-up waits to reach etcd before it fails with an error naming the endpoints.")
                    .validator(Validator.positive())
                    .build();

    public static final List<ConfigKey<?>> KEYS =
            List.of(ENDPOINTS, PREFIX, USER, PASSWORD, TLS_CA, TLS_CERT, TLS_KEY, CONNECT_TIMEOUT, ALLOW_PLAINTEXT_PASSWORD);

    /** The keys {@link #crossCheck} reads. */
    static final List<ConfigKey<?>> CROSS_CHECKED = List.of(ENDPOINTS, PASSWORD, TLS_CA, TLS_CERT, TLS_KEY,
            ALLOW_PLAINTEXT_PASSWORD);

    static EtcdConfig from(ConfigValues v) {
        return new EtcdConfig(v.get(ENDPOINTS).stream().map(URI::create).toList(), v.get(PREFIX),
                Optional.ofNullable(v.get(USER)), Optional.ofNullable(v.get(PASSWORD)),
                Optional.ofNullable(v.get(TLS_CA)), Optional.ofNullable(v.get(TLS_CERT)),
                Optional.ofNullable(v.get(TLS_KEY)), v.get(CONNECT_TIMEOUT), v.get(ALLOW_PLAINTEXT_PASSWORD));
    }

    /** Whether the endpoints are {@code https://} (they all have one scheme: {@link #ENDPOINTS} checks it). */
    public boolean tls() {
        return "https".equals(endpoints.get(0).getScheme());
    }

    /**
     * The rules between the etcd keys: TLS material needs {@code https://} endpoints, a key file needs
     * its certificate and the other way round, and a password goes over plaintext only when
     * {@link #ALLOW_PLAINTEXT_PASSWORD} says so.
     */
    static List<ConfigProblem> crossCheck(ConfigValues v) {
        List<ConfigProblem> problems = new ArrayList<>();
        boolean https = v.get(ENDPOINTS).get(0).startsWith("https://");
        boolean cert = v.get(TLS_CERT) != null;
        boolean key = v.get(TLS_KEY) != null;
        if (cert && !key) {
            problems.add(new ConfigProblem(TLS_CERT.name(), v.get(TLS_CERT),
                    "is set but etcd.tls.key.file is not: mutual TLS needs the certificate and its private key"));
        }
        if (key && !cert) {
            problems.add(new ConfigProblem(TLS_KEY.name(), v.get(TLS_KEY),
                    "is set but etcd.tls.cert.file is not: mutual TLS needs the certificate and its private key"));
        }
        if (!https) {
            for (ConfigKey<String> tlsKey : List.of(TLS_CA, TLS_CERT, TLS_KEY)) {
                if (v.get(tlsKey) != null) {
                    problems.add(new ConfigProblem(tlsKey.name(), v.get(tlsKey), "is set, but etcd.endpoints are http://, "
                            + "which is plaintext: write the endpoints as https:// to use TLS"));
                }
            }
            if (v.get(PASSWORD) != null && !v.get(ALLOW_PLAINTEXT_PASSWORD)) {
                problems.add(new ConfigProblem(PASSWORD.name(), "****", "would be sent in clear to the http:// endpoints "
                        + Secrets.maskUrl(String.valueOf(v.get(ENDPOINTS))) + ": use https:// endpoints (TLS), or set etcd.allow.plaintext.password: true "
                        + "for an etcd that only this host can reach"));
            }
        }
        return problems;
    }

    private static String checkEndpoints(List<String> endpoints) {
        if (endpoints.isEmpty()) {
            return "must list at least one endpoint";
        }
        java.util.Set<String> schemes = new java.util.TreeSet<>();
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
                schemes.add(uri.getScheme());
            } catch (IllegalArgumentException ex) {
                return "'" + Secrets.maskUrl(e) + "' is not a URL"; // URI's message would quote it unmasked
            }
        }
        if (schemes.size() > 1) {
            // One client has one transport: jetcd would talk TLS or plaintext to all of them alike.
            return "mixes http:// and https:// endpoints: list every member with the same scheme (https:// for TLS)";
        }
        return null;
    }

    @Override
    public String toString() {
        return "EtcdConfig[endpoints=" + endpoints + ", prefixes=" + prefixes + ", user=" + user.orElse("-")
                + ", password=" + (password.isPresent() ? "****" : "-") + ", tls=" + tls() + "]";
    }
}
