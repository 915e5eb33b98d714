package io.ferry.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP endpoint of a running ferry process: Prometheus metrics, liveness, readiness and a
 * small status page.
 *
 * @param enabled whether to serve it
 * @param bind address to bind; loopback by default, so nothing is exposed unless asked for
 * @param port TCP port
 * @param readyLag the revision lag at or under which the process reports ready
 * @param readyAge the longest time since the last progress at which the process reports ready
 * @param token the bearer token that every path but the probes requires; empty means none
 */
public record HttpConfig(boolean enabled, String bind, int port, long readyLag, Duration readyAge, Optional<String> token) {

    public static final ConfigKey<Boolean> ENABLED = ConfigKey.builder("http.enabled", ConfigType.BOOLEAN)
            .defaultValue(true)
            .doc("Serve /metrics, /health, /ready and the status page.")
            .build();
    public static final ConfigKey<String> BIND = ConfigKey.builder("http.bind", ConfigType.STRING)
            .defaultValue("127.0.0.1")
            .doc("Address the HTTP endpoint binds to. Loopback by default; use 0.0.0.0 in a container.")
            .validator(Validator.nonBlank())
            .build();
    public static final ConfigKey<Integer> PORT = ConfigKey.builder("http.port", ConfigType.INT)
            .defaultValue(8787)
            .doc("TCP port of the HTTP endpoint; 0 picks a free port and logs it.")
            .validator(Validator.that(p -> p >= 0 && p <= 65535, "must be a TCP port, 0 to 65535"))
            .build();
    public static final ConfigKey<Long> READY_LAG = ConfigKey.builder("http.ready.max.lag.revisions", ConfigType.LONG)
            .defaultValue(1000L)
            .doc("/ready answers 200 only while the replication lag, in etcd revisions, is at most this: the watcher's "
                    + "(etcd's revision minus what is in Kafka) and every sink partition's (etcd's revision, or without a "
                    + "watcher in the process the sink's newest partition, minus the partition's watermark). A partition "
                    + "halted on a bad record also makes /ready answer 503.")
            .validator(Validator.atLeastLong(0))
            .build();
    public static final ConfigKey<Duration> READY_AGE = ConfigKey.builder("http.ready.max.age.ms", ConfigType.MILLIS)
            .defaultValue(Duration.ofSeconds(30))
            .doc("/ready answers 200 only while the last progress is at most this old.")
            .validator(Validator.positive())
            .build();

    public static final ConfigKey<String> TOKEN = ConfigKey.builder("http.token", ConfigType.STRING)
            .secret()
            .doc("Bearer token for the HTTP endpoint. When set, /metrics, /status.json and the status page answer 401 "
                    + "without 'Authorization: Bearer <token>' (a browser may send it as the password of HTTP Basic "
                    + "authentication, any user name); /health and /ready stay open for probes but give their reason "
                    + "only with the token. Take it from a file: ${file:/run/secrets/ferry-http-token}.")
            .validator(Validator.that(t -> t.length() >= 16 && t.chars().noneMatch(c -> c <= ' ' || c == 127),
                    "must be at least 16 characters, without spaces or control characters"))
            .build();

    public static final List<ConfigKey<?>> KEYS = List.of(ENABLED, BIND, PORT, READY_LAG, READY_AGE, TOKEN);

    static HttpConfig from(ConfigValues v) {
        return new HttpConfig(v.get(ENABLED), v.get(BIND), v.get(PORT), v.get(READY_LAG), v.get(READY_AGE),
                Optional.ofNullable(v.get(TOKEN)));
    }

    @Override
    public String toString() {
        return "HttpConfig[enabled=" + enabled + ", bind=" + bind + ", port=" + port + ", token="
                + (token.isPresent() ? Secrets.MASK : "-") + "]";
    }
}
