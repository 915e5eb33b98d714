package io.ferry.cli.faults;

/**
 * The faults the schedule injects. Each kind runs in a lane of its own, so every kind reaches its
 * count in a few minutes; kinds that act on the same part (the watcher, one database's sinks, a
 * server) take that part's lock, so they follow one another instead of undoing each other.
 */
enum FaultKind {
    /** kill -9 of the watcher, started again after 0 to 1.5 s. */
    WATCHER_KILL,
    /** kill -9 of one sink, started again after 0 to 1.5 s; its group rebalances. */
    SINK_KILL,
    /** watcher killed, writes go on, etcd compacted to the current revision, watcher started: a re-snapshot. */
    COMPACTION_WHILE_WATCHER_DOWN,
    /** one database's sinks stopped, {@code ferry replay --from-beginning}, sinks started. */
    REPLAY_FROM_BEGINNING,
    /** kill -9 of the Kafka broker, started again after 0 to 2 s. */
    KAFKA_KILL,
    /** etcd killed (-9) or stopped (TERM) and started again, between workload requests. */
    ETCD_RESTART,
    /** pg_ctlcluster restart of the PostgreSQL server. */
    POSTGRES_RESTART,
    /** SHUTDOWN and start of the MariaDB server. */
    MARIADB_RESTART,
    /** every connection between Ferry and etcd, PostgreSQL or MariaDB reset (RST) at the proxy. */
    NETWORK_RESET,
    /** 20 to 300 ms added to every chunk between Ferry and etcd, PostgreSQL or MariaDB, for 1 to 5 s. */
    NETWORK_DELAY;

    /** Whether it restarts a server, which takes longer than a process or a network fault and so waits longer between two. */
    boolean restartsServer() {
        return this == KAFKA_KILL || this == ETCD_RESTART || this == POSTGRES_RESTART || this == MARIADB_RESTART;
    }
}
