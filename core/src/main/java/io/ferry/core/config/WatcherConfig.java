package io.ferry.core.config;

import io.ferry.core.PageSizing;
import java.time.Duration;
import java.util.List;

/**
 * How the watcher snapshots, watches and produces.
 *
 * @param commitInterval longest time a Kafka transaction stays open while streaming
 * @param snapshotPageKeys most keys in one snapshot range request
 * @param snapshotPageBytes soft limit on the bytes of one snapshot page
 * @param prevKv whether watch events carry the key's previous value in {@code before}
 * @param commitMaxEvents events after which a transaction commits at the next revision boundary
 * @param watermarkInterval how often watermark control records go to every partition
 * @param queueCapacity most watch responses buffered between etcd and the producer before etcd is held back
 * @param maxMessageBytes largest record the change topic and the producer accept
 * @param haEnabled whether the watcher campaigns in an etcd election before it produces
 * @param haLeaseTtl time to live of the election lease: how soon a standby takes over from a dead leader
 * @param kafkaTimeout how long start-up waits for Kafka before failing
 * @param snapshotCommitInterval longest time a Kafka transaction stays open during a snapshot
 * @param snapshotCommitBytes encoded bytes after which a snapshot's Kafka transaction commits
 * @param queueMaxBytes most key and value bytes buffered between etcd and the producer before etcd is held back
 * @param commitMinInterval shortest time from one streaming commit to the next one made because the watcher caught up
 */
public record WatcherConfig(Duration commitInterval, int snapshotPageKeys, long snapshotPageBytes, boolean prevKv,
                            int commitMaxEvents, Duration watermarkInterval, int queueCapacity, int maxMessageBytes,
                            boolean haEnabled, Duration haLeaseTtl, Duration kafkaTimeout,
                            Duration snapshotCommitInterval, long snapshotCommitBytes, int queueMaxBytes,
                            Duration commitMinInterval) {

    /** What one buffered watch event counts for besides its key and value: jetcd's objects around them. */
    public static final int QUEUE_EVENT_OVERHEAD_BYTES = 200;

    public static final ConfigKey<Duration> COMMIT_INTERVAL =
            ConfigKey.builder("watcher.commit.interval.ms", ConfigType.MILLIS)
                    .defaultValue(Duration.ofMillis(50))
                    .doc("Longest time a Kafka transaction stays open while streaming; it commits sooner whenever the "
                            + "watcher has caught up with the watch (see watcher.commit.min.interval.ms). A transaction "
                            + "never ends inside an etcd revision.")
                    .validator(Validator.positive())
                    .build();
    /*
     * Committing every time the queue ran empty made a transaction per watch response or two: at
     * 1,000 puts/s about 125 commits/s, each with a watermark to every partition and a marker per
     * partition, so the topic carried more records for commits than for changes, and the broker,
     * the sink (a batch per transaction, an offset update per partition) and the process used CPU
     * for them that a 2-core host running etcd, Kafka and the database beside Ferry did not have.
     * A floor between such commits groups what arrives meanwhile into one transaction; it adds
     * nothing to a change that arrives after a quiet spell, as the last commit is then older.
     */
    public static final ConfigKey<Duration> COMMIT_MIN_INTERVAL =
            ConfigKey.builder("watcher.commit.min.interval.ms", ConfigType.MILLIS)
                    .defaultValue(Duration.ofMillis(20))
                    .doc("Shortest time between two streaming commits made because the watcher caught up with the "
                            + "watch: changes that arrive sooner wait for it and share the next transaction. 0 commits "
                            + "as soon as the watcher has caught up. watcher.commit.interval.ms and "
                            + "watcher.commit.max.events still end a transaction sooner.")
                    .validator(Validator.that(d -> !d.isNegative(), "must be at least 0"))
                    .build();
    /* Large pages: see PageSizing, why etcd 3.4 makes small pages cost N * N / (2 * P). */
    public static final ConfigKey<Integer> SNAPSHOT_PAGE_KEYS =
            ConfigKey.builder("watcher.snapshot.page.keys", ConfigType.INT)
                    .defaultValue(PageSizing.DEFAULT_PAGE_KEYS)
                    .doc("Most keys read by one snapshot range request. Keep it large on etcd 3.4 and older, where "
                            + "each paged request visits every key to the end of the prefix.")
                    .validator(Validator.atLeast(1))
                    .build();
    public static final ConfigKey<Long> SNAPSHOT_PAGE_BYTES =
            ConfigKey.builder("watcher.snapshot.page.bytes", ConfigType.LONG)
                    .defaultValue(4L * 1024 * 1024)
                    .doc("Soft limit on the bytes of one snapshot page; the page shrinks when values are large.")
                    .validator(Validator.atLeastLong(1024))
                    .build();
    /*
     * A snapshot is one etcd revision whose sink watermark only moves at snapshot_end, and a crash
     * mid-snapshot restarts it under the next epoch, so its commits only bound how much an open
     * transaction holds; committing at the streaming cadence mostly made the copy wait on Kafka.
     */
    public static final ConfigKey<Duration> SNAPSHOT_COMMIT_INTERVAL =
            ConfigKey.builder("watcher.snapshot.commit.interval.ms", ConfigType.MILLIS)
                    .defaultValue(Duration.ofSeconds(1))
                    .doc("Longest time a Kafka transaction stays open during a snapshot. Keep it well below the "
                            + "producer's transaction.timeout.ms (60 s by default).")
                    .validator(Validator.positive())
                    .build();
    public static final ConfigKey<Long> SNAPSHOT_COMMIT_BYTES =
            ConfigKey.builder("watcher.snapshot.commit.bytes", ConfigType.LONG)
                    .defaultValue(32L * 1024 * 1024)
                    .doc("Encoded bytes of snapshot records after which a snapshot's Kafka transaction commits, at the "
                            + "end of the page.")
                    .validator(Validator.atLeastLong(64 * 1024))
                    .build();
    public static final ConfigKey<Boolean> PREV_KV = ConfigKey.builder("watcher.prev.kv", ConfigType.BOOLEAN)
            .defaultValue(false)
            .doc("Carry each key's previous value in the event's 'before' (costs etcd and Kafka bandwidth).")
            .build();
    public static final ConfigKey<Integer> COMMIT_MAX_EVENTS =
            ConfigKey.builder("watcher.commit.max.events", ConfigType.INT)
                    .defaultValue(5000)
                    .doc("Events after which a Kafka transaction commits, at the next etcd revision boundary.")
                    .validator(Validator.atLeast(1))
                    .build();
    public static final ConfigKey<Duration> WATERMARK_INTERVAL =
            ConfigKey.builder("watcher.watermark.interval.ms", ConfigType.MILLIS)
                    .defaultValue(Duration.ofMillis(200))
                    .doc("Every commit that moves the delivered revision carries a watermark to every partition; when "
                            + "nothing commits, one goes out this often, so idle partitions advance too.")
                    .validator(Validator.positive())
                    .build();
    /*
     * etcd sends one watch response per write, so at etcd's maximum rate a queue of 256 responses
     * held 20 to 30 ms of writes: less than one Kafka commit. The watch was then held back during
     * every commit, and etcd, which cannot send, moves such a watcher off its fast path and later
     * catches it up from its backend. The queue is bounded in bytes instead, with room for
     * seconds of writes.
     */
    public static final ConfigKey<Integer> QUEUE_CAPACITY =
            ConfigKey.builder("watcher.queue.capacity", ConfigType.INT)
                    .defaultValue(65536)
                    .doc("Most watch responses (etcd sends about one per write) buffered between etcd and the "
                            + "producer. When full, the watch is held back; nothing is dropped.")
                    .validator(Validator.atLeast(1))
                    .build();
    public static final ConfigKey<Integer> QUEUE_MAX_BYTES =
            ConfigKey.builder("watcher.queue.max.bytes", ConfigType.INT)
                    .defaultValue(16 * 1024 * 1024)
                    .doc("Most bytes of keys and values (plus " + QUEUE_EVENT_OVERHEAD_BYTES + " per event) buffered "
                            + "between etcd and the producer, so that the watch keeps flowing while a Kafka commit "
                            + "completes. When full, the watch is held back; nothing is dropped. A response larger "
                            + "than this still passes, alone.")
                    .validator(Validator.atLeast(64 * 1024))
                    .build();
    public static final ConfigKey<Integer> MAX_MESSAGE_BYTES =
            ConfigKey.builder("watcher.max.message.bytes", ConfigType.INT)
                    .defaultValue(4 * 1024 * 1024)
                    .doc("Largest record: the change topic's max.message.bytes when Ferry creates it, and the producer's "
                            + "max.request.size. Must hold a 1.5 MiB etcd value as base64 plus its envelope.")
                    .validator(Validator.atLeast(2_300_000))
                    .build();
    public static final ConfigKey<Boolean> HA_ENABLED = ConfigKey.builder("watcher.ha.enabled", ConfigType.BOOLEAN)
            .defaultValue(true)
            .doc("Campaign in an etcd election (on a lease) before producing, so that of several watchers on the same "
                    + "topic one leads and the others stand by.")
            .build();
    public static final ConfigKey<Duration> HA_LEASE_TTL =
            ConfigKey.builder("watcher.ha.lease.ttl.ms", ConfigType.MILLIS)
                    .defaultValue(Duration.ofSeconds(5))
                    .doc("Time to live of the election lease (whole seconds, at least 2): how soon a standby takes over "
                            + "when the leader dies.")
                    .validator(Validator.that(d -> d.toMillis() >= 2000, "must be at least 2000"))
                    .build();

    public static final ConfigKey<Duration> KAFKA_TIMEOUT =
            ConfigKey.builder("watcher.kafka.timeout.ms", ConfigType.MILLIS)
                    .defaultValue(Duration.ofSeconds(30))
                    .doc("How long start-up waits for Kafka (describe and create topics, start transactions) before "
                            + "it fails with an error naming the bootstrap servers.")
                    .validator(Validator.positive())
                    .build();

    public static final List<ConfigKey<?>> KEYS = List.of(COMMIT_INTERVAL, COMMIT_MIN_INTERVAL, SNAPSHOT_PAGE_KEYS, SNAPSHOT_PAGE_BYTES,
            SNAPSHOT_COMMIT_INTERVAL, SNAPSHOT_COMMIT_BYTES, PREV_KV, COMMIT_MAX_EVENTS, WATERMARK_INTERVAL, QUEUE_CAPACITY,
            QUEUE_MAX_BYTES, MAX_MESSAGE_BYTES, HA_ENABLED, HA_LEASE_TTL, KAFKA_TIMEOUT);

    static WatcherConfig from(ConfigValues v) {
        return new WatcherConfig(v.get(COMMIT_INTERVAL), v.get(SNAPSHOT_PAGE_KEYS), v.get(SNAPSHOT_PAGE_BYTES),
                v.get(PREV_KV), v.get(COMMIT_MAX_EVENTS), v.get(WATERMARK_INTERVAL), v.get(QUEUE_CAPACITY),
                v.get(MAX_MESSAGE_BYTES), v.get(HA_ENABLED), v.get(HA_LEASE_TTL), v.get(KAFKA_TIMEOUT),
                v.get(SNAPSHOT_COMMIT_INTERVAL), v.get(SNAPSHOT_COMMIT_BYTES), v.get(QUEUE_MAX_BYTES),
                v.get(COMMIT_MIN_INTERVAL));
    }
}
