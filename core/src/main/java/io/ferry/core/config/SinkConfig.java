package io.ferry.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where and how the sink writes.
 *
 * @param jdbc JDBC URL, or a {@code postgresql://} / {@code mysql://} connection string
 * @param table the generic table of live keys
 * @param user database user, when not in the URL
 * @param password database password, when not in the URL
 * @param group Kafka consumer group of the sinks that share one target database: as set, or derived from the
 *     topic and the target ({@link #defaultGroup})
 * @param instanceId this sink's static member id in the group; empty means the host name
 * @param batchMaxRecords most records applied in one SQL transaction
 * @param tombstoneRetention how long delete tombstones are kept before they are purged
 * @param dlqTopic dead-letter topic for records that cannot be applied; empty means halt the partition
 * @param valueMaxBytes largest value the sink writes; larger ones are bad input
 * @param retryMaxAttempts attempts of a batch that fails with a transient database error
 * @param retryBackoff first back-off between attempts, doubled each time
 * @param retryBackoffMax longest back-off between attempts
 * @param poolSize JDBC connections per sink
 * @param writers batches of different partitions written at once, each in its own transaction
 * @param mappings mapped tables, as written in the file (a list of maps); null when none
 */
public record SinkConfig(String jdbc, String table, Optional<String> user, Optional<String> password,
                         String group, Optional<String> instanceId, int batchMaxRecords, Duration tombstoneRetention, Optional<String> dlqTopic,
                         int valueMaxBytes, int retryMaxAttempts, Duration retryBackoff, Duration retryBackoffMax,
                         int poolSize, int writers, Object mappings) {

    public static final ConfigKey<String> JDBC = ConfigKey.builder("sink.jdbc", ConfigType.STRING)
            .defaultValue("jdbc:sqlite:ferry.db")
            .doc("Target database: a JDBC URL (jdbc:postgresql:, jdbc:mysql:, jdbc:mariadb:, jdbc:sqlite:) or a "
                    + "connection string such as postgresql://user:${PGPASSWORD}@host:5432/db or mysql://user@host/db.")
            .validator(SinkConfig::checkJdbc)
            .build();
    public static final ConfigKey<String> TABLE = ConfigKey.builder("sink.table", ConfigType.STRING)
            .defaultValue("etcd_kv")
            .doc("The generic table of live keys (key, value, create_revision, mod_revision, version, lease).")
            .validator(Validator.sqlIdentifier())
            .build();
    public static final ConfigKey<String> USER = ConfigKey.builder("sink.user", ConfigType.STRING)
            .doc("Database user, when it is not part of sink.jdbc.")
            .build();
    public static final ConfigKey<String> PASSWORD = ConfigKey.builder("sink.password", ConfigType.STRING)
            .secret()
            .doc("Database password, when it is not part of sink.jdbc. Take it from the environment: ${PGPASSWORD}.")
            .build();
    public static final ConfigKey<String> GROUP = ConfigKey.builder("sink.group", ConfigType.STRING)
            .doc("Kafka consumer group of the sinks that write one target database. Unset means a name derived from "
                    + "kafka.topic and the target (ferry-sink.<topic>.<database kind>.<database>.<hash of the target "
                    + "and sink.table>), so two pipelines never share a group by accident.")
            .validator(Validator.that(g -> !g.isBlank() && g.length() <= 255, "must be 1 to 255 characters"))
            .build();
    public static final ConfigKey<String> INSTANCE_ID = ConfigKey.builder("sink.instance.id", ConfigType.STRING)
            .doc("This sink's static member id in its consumer group (Kafka's group.instance.id): a sink restarted "
                    + "with the same id gets its partitions back at once instead of after the dead member's session "
                    + "times out. Unset means the host name. Every sink of one group needs its own: set it when one host "
                    + "runs several sinks of the same group, e.g. ${FERRY_SINK_ID}.")
            .validator(Validator.that(i -> i.matches("[A-Za-z0-9._:-]{1,249}"),
                    "must be 1 to 249 of letters, digits, '.', '_', ':' and '-'"))
            .build();
    public static final ConfigKey<Integer> BATCH_MAX_RECORDS = ConfigKey.builder("sink.batch.max.records", ConfigType.INT)
            .defaultValue(5000)
            .doc("Most records applied in one SQL transaction (the consumer's max.poll.records).")
            .validator(Validator.atLeast(1))
            .build();
    public static final ConfigKey<Duration> TOMBSTONE_RETENTION =
            ConfigKey.builder("sink.tombstone.retention.ms", ConfigType.MILLIS)
                    .defaultValue(Duration.ofDays(7))
                    .doc("How long a delete tombstone is kept in ferry_tombstones. A replay of records older than this "
                            + "horizon could bring back a deleted key; the horizon is stored in ferry_meta. Keep it "
                            + "longer than the topic's delete.retention.ms.")
                    .validator(Validator.positive())
                    .build();
    public static final ConfigKey<String> DLQ_TOPIC = ConfigKey.builder("sink.dlq.topic", ConfigType.STRING)
            .doc("Dead-letter topic for records that cannot be applied, with the reason in headers. Unset (the default) "
                    + "halts the record's partition instead.")
            .validator(Validator.that(t -> t.matches("[A-Za-z0-9._-]{1,249}"), "must be a Kafka topic name"))
            .build();
    public static final ConfigKey<Integer> VALUE_MAX_BYTES = ConfigKey.builder("sink.value.max.bytes", ConfigType.INT)
            .defaultValue(8 * 1024 * 1024)
            .doc("Largest value the sink writes; a larger one is bad input. On MySQL and MariaDB a row must also fit in "
                    + "max_allowed_packet at twice its size (docs/sink.md).")
            .validator(Validator.atLeast(1))
            .build();
    public static final ConfigKey<Integer> RETRY_MAX_ATTEMPTS = ConfigKey.builder("sink.retry.max.attempts", ConfigType.INT)
            .defaultValue(10)
            .doc("Attempts of a batch that fails with a transient database error (connection lost, deadlock) before "
                    + "the sink gives up.")
            .validator(Validator.atLeast(1))
            .build();
    public static final ConfigKey<Duration> RETRY_BACKOFF = ConfigKey.builder("sink.retry.backoff.ms", ConfigType.MILLIS)
            .defaultValue(Duration.ofMillis(200))
            .doc("First back-off after a transient database error; doubled on each attempt up to sink.retry.backoff.max.ms.")
            .validator(Validator.positive())
            .build();
    public static final ConfigKey<Duration> RETRY_BACKOFF_MAX =
            ConfigKey.builder("sink.retry.backoff.max.ms", ConfigType.MILLIS)
                    .defaultValue(Duration.ofSeconds(10))
                    .doc("Longest back-off between attempts.")
                    .validator(Validator.positive())
                    .build();
    public static final ConfigKey<Integer> POOL_SIZE = ConfigKey.builder("sink.pool.size", ConfigType.INT)
            .defaultValue(2)
            .doc("JDBC connections per sink (HikariCP). SQLite always uses one writer.")
            .validator(Validator.atLeast(1))
            .build();
    public static final ConfigKey<Integer> WRITERS = ConfigKey.builder("sink.writers", ConfigType.INT)
            .defaultValue(1)
            .doc("Writer threads per sink: a poll's partitions are split between them (partition number modulo this), and "
                    + "each writes its share in its own transaction on its own connection, at the same time as the others; "
                    + "a partition's batches still commit one after another. For a database with cores to spare, or far "
                    + "enough away that one writer mostly waits on round trips; on a host whose cores are already busy it "
                    + "gains nothing (docs/benchmarks.md). The pool grows to at least this many connections. SQLite always "
                    + "uses one writer.")
            .validator(Validator.atLeast(1))
            .build();
    public static final ConfigKey<Object> MAPPINGS = ConfigKey.builder("sink.mappings", ConfigType.STRUCTURED)
            .doc("Mapped tables: a list of {prefix, table, decode, json, columns: {name: {from, type}}}. decode is the "
                    + "value's decoder chain (JSON when absent; see docs/mappings.md); from is key:N (a key segment), lease "
                    + "(the lease id) or a JSON pointer into the decoded value; type is text, bigint, double, boolean, "
                    + "timestamp or json (jsonb); json: true keeps the decoded value in a doc column (jsonb on PostgreSQL). "
                    + "Keys under prefix still go to sink.table too. See docs/sink.md.")
            .build();

    public static final List<ConfigKey<?>> KEYS = List.of(JDBC, TABLE, USER, PASSWORD, GROUP, INSTANCE_ID, BATCH_MAX_RECORDS,
            TOMBSTONE_RETENTION, DLQ_TOPIC, VALUE_MAX_BYTES, RETRY_MAX_ATTEMPTS, RETRY_BACKOFF, RETRY_BACKOFF_MAX,
            POOL_SIZE, WRITERS, MAPPINGS);

    private static final List<String> SCHEMES = List.of("jdbc:postgresql:", "jdbc:mysql:", "jdbc:mariadb:",
            "jdbc:sqlite:", "postgresql://", "postgres://", "mysql://", "mariadb://");

    static SinkConfig from(ConfigValues v, String topic) {
        String group = v.isSet(GROUP) ? v.get(GROUP) : defaultGroup(topic, v.get(JDBC), v.get(TABLE));
        return new SinkConfig(v.get(JDBC), v.get(TABLE), Optional.ofNullable(v.get(USER)),
                Optional.ofNullable(v.get(PASSWORD)), group, Optional.ofNullable(v.get(INSTANCE_ID)), v.get(BATCH_MAX_RECORDS),
                v.get(TOMBSTONE_RETENTION), Optional.ofNullable(v.get(DLQ_TOPIC)), v.get(VALUE_MAX_BYTES),
                v.get(RETRY_MAX_ATTEMPTS), v.get(RETRY_BACKOFF), v.get(RETRY_BACKOFF_MAX), v.get(POOL_SIZE),
                v.get(WRITERS), v.get(MAPPINGS));
    }

    /**
     * The consumer group of a pipeline: one per change topic and target, so that two pipelines left on
     * their defaults never share a group (they would stall each other's rebalances, or split one topic's
     * partitions between two databases). Readable for an operator listing groups, and unique through a
     * hash of the target without its credentials, plus the table.
     */
    static String defaultGroup(String topic, String jdbc, String table) {
        JdbcTarget target = JdbcTarget.parse(jdbc);
        String identity = target.identity() + "|" + table;
        String hash = java.util.HexFormat.of().formatHex(sha256(identity)).substring(0, 8);
        String name = "ferry-sink." + topic + "." + target.kind().name().toLowerCase(java.util.Locale.ROOT) + "."
                + target.databaseName().replaceAll("[^A-Za-z0-9._-]", "_") + "." + hash;
        return name.length() <= 255 ? name : name.substring(0, 246) + "." + hash;
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String checkJdbc(String url) {
        for (String scheme : SCHEMES) {
            if (url.startsWith(scheme)) {
                try {
                    JdbcTarget.parse(url);
                    return null;
                } catch (IllegalArgumentException e) {
                    return e.getMessage(); // JdbcTarget's messages mask the password
                }
            }
        }
        return "must start with one of " + String.join(", ", SCHEMES);
    }

    @Override
    public String toString() {
        return "SinkConfig[jdbc=" + Secrets.maskUrl(jdbc) + ", table=" + table + ", user=" + user.orElse("-")
                + ", password=" + (password.isPresent() ? "****" : "-") + ", group=" + group + ", batch.max.records="
                + batchMaxRecords + ", dlq.topic=" + dlqTopic.orElse("-") + "]";
    }
}
