package io.ferry.core.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * How {@code ferry cutover} freezes, waits and marks etcd.
 *
 * @param markerKey the freeze marker, written under the first replicated prefix unless set
 * @param versionKey the key that marks etcd's data as migrated
 * @param fenceKey written at the end of each online verification round, so the history watch
 *     knows every earlier change has arrived (under the first replicated prefix)
 * @param quiet how long etcd must see no write under the prefixes before the freeze is complete
 * @param timeout the limit for each waiting step
 * @param maxLag the most revisions the sink may be behind when the cutover starts
 * @param reverseSlot the PostgreSQL replication slot and publication of the rollback path
 * @param reverseServerId the binlog client id the rollback path uses on MySQL and MariaDB
 * @param reverseRetryMaxAttempts failed attempts in a row after which the reverse writer gives up; 0: never
 */
public record CutoverConfig(String markerKey, String versionKey, String fenceKey, Duration quiet, Duration timeout,
                            long maxLag, String reverseSlot, long reverseServerId, int reverseRetryMaxAttempts) {

    public static final ConfigKey<String> MARKER_KEY = ConfigKey.builder("cutover.marker.key", ConfigType.STRING)
            .doc("etcd key of the freeze marker that cooperating writers watch. Must be under a replicated prefix; "
                    + "unset means '<first etcd.prefix>ferry.cutover.freeze'.")
            .build();
    public static final ConfigKey<String> VERSION_KEY = ConfigKey.builder("cutover.version.key", ConfigType.STRING)
            .doc("etcd key written at the switch to mark etcd's data as migrated (as Diego's BBS bumped its version key); "
                    + "unset means '<first etcd.prefix>ferry.cutover.migrated'.")
            .build();
    public static final ConfigKey<Duration> QUIET = ConfigKey.builder("cutover.quiet.ms", ConfigType.MILLIS)
            .defaultValue(Duration.ofMillis(500))
            .doc("How long etcd must see no write under the prefixes before the freeze is complete. Counts as downtime.")
            .validator(Validator.positive())
            .build();
    public static final ConfigKey<Duration> TIMEOUT = ConfigKey.builder("cutover.timeout.ms", ConfigType.MILLIS)
            .defaultValue(Duration.ofSeconds(60))
            .doc("Limit for each waiting step (quiet, drain, verify); past it the cutover aborts and unfreezes.")
            .validator(Validator.positive())
            .build();
    public static final ConfigKey<Long> MAX_LAG = ConfigKey.builder("cutover.max.lag.revisions", ConfigType.LONG)
            .defaultValue(1000L)
            .doc("The cutover refuses to start while the sink is more revisions behind etcd than this.")
            .validator(Validator.atLeastLong(0))
            .build();

    public static final ConfigKey<String> REVERSE_SLOT = ConfigKey.builder("reverse.slot.name", ConfigType.STRING)
            .defaultValue("ferry_reverse")
            .doc("PostgreSQL: the logical replication slot (and publication) through which the rollback path reads SQL's "
                    + "changes after the switch. The cutover creates it; ferry rollback and ferry finish drop it.")
            .build();
    public static final ConfigKey<Long> REVERSE_SERVER_ID = ConfigKey.builder("reverse.server.id", ConfigType.LONG)
            .defaultValue(184_054L)
            .doc("MySQL/MariaDB: the server id the rollback path's binlog client uses; unique among the server's replicas.")
            .validator(Validator.atLeastLong(1))
            .build();

    public static final ConfigKey<Integer> REVERSE_RETRY_MAX_ATTEMPTS =
            ConfigKey.builder("reverse.retry.max.attempts", ConfigType.INT)
                    .defaultValue(120)
                    .doc("Attempts in a row of the reverse writer after a failure it may recover from (the database or etcd "
                            + "unreachable, Debezium's engine stopped), with a back-off from 1 s doubling up to 30 s, before it "
                            + "gives up: its state becomes failed and ferry reverse or ferry run exits with code 2 (a service "
                            + "manager restarts it, and it resumes from the position etcd holds). The default backs off for "
                            + "about an hour in all, more when attempts wait for a timeout; 0 retries until the process stops.")
                    .validator(Validator.atLeast(0))
                    .build();

    public static final ConfigKey<String> REVERSE_USER = ConfigKey.builder("reverse.user", ConfigType.STRING)
            .doc("The rollback path's own database user, which reads SQL's changes after the switch (PostgreSQL: a role "
                    + "with REPLICATION; MySQL/MariaDB: REPLICATION SLAVE and REPLICATION CLIENT), so that the sink's user "
                    + "needs no replication right. Unset means the sink's user and password, from whichever form sink.jdbc "
                    + "gives them in. The rollback path always uses sink.jdbc's host, database and TLS settings. "
                    + "See docs/security.md.")
            .build();
    public static final ConfigKey<String> REVERSE_PASSWORD = ConfigKey.builder("reverse.password", ConfigType.STRING)
            .secret()
            .doc("Password of reverse.user; only with reverse.user. Take it from the environment: ${FERRY_REVERSE_PASSWORD}.")
            .build();

    public static final List<ConfigKey<?>> KEYS = List.of(MARKER_KEY, VERSION_KEY, QUIET, TIMEOUT, MAX_LAG, REVERSE_SLOT,
            REVERSE_SERVER_ID, REVERSE_RETRY_MAX_ATTEMPTS, REVERSE_USER, REVERSE_PASSWORD);

    public static CutoverConfig of(FerryConfig c) {
        ConfigValues v = c.values();
        String first = c.etcd().prefixes().get(0);
        return new CutoverConfig(v.isSet(MARKER_KEY) ? v.get(MARKER_KEY) : first + "ferry.cutover.freeze",
                v.isSet(VERSION_KEY) ? v.get(VERSION_KEY) : first + "ferry.cutover.migrated", first + "ferry.cutover.round",
                v.get(QUIET), v.get(TIMEOUT),
                v.get(MAX_LAG), v.get(REVERSE_SLOT), v.get(REVERSE_SERVER_ID), v.get(REVERSE_RETRY_MAX_ATTEMPTS));
    }

    /**
     * Where the rollback path keeps, in etcd, how far it has copied SQL's changes. It is written in
     * the same etcd transaction as the changes themselves, so its revision marks them as Ferry's
     * own. It lies under the first prefix so that the watcher sees it beside them.
     */
    public String reversePositionKey() {
        return parentOf(fenceKey) + "ferry.reverse.position";
    }

    /** The row {@code ferry rollback} writes in SQL and waits to see in etcd: the end of the reverse stream. */
    public String reverseFenceKey() {
        return parentOf(fenceKey) + "ferry.reverse.fence";
    }

    /**
     * The row a cutover writes in SQL before its switch and waits to see in etcd: proof that the
     * reverse writer runs and reads the change stream the cutover opened, so that the way back
     * exists before SQL becomes authoritative.
     */
    public String reverseProbeKey() {
        return parentOf(fenceKey) + "ferry.reverse.probe";
    }

    /** The keys Ferry itself writes in etcd during a cutover and its bake period; never reported as late writes. */
    public List<byte[]> ownKeys() {
        return List.of(markerKey.getBytes(StandardCharsets.UTF_8), versionKey.getBytes(StandardCharsets.UTF_8),
                fenceKey().getBytes(StandardCharsets.UTF_8), reversePositionKey().getBytes(StandardCharsets.UTF_8),
                reverseFenceKey().getBytes(StandardCharsets.UTF_8), reverseProbeKey().getBytes(StandardCharsets.UTF_8));
    }

    private static String parentOf(String fenceKey) {
        return fenceKey.substring(0, fenceKey.length() - "ferry.cutover.round".length());
    }
}
