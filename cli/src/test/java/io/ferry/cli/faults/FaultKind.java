package io.ferry.cli.faults;

/** The faults the schedule injects, and which lane runs them (faults of one lane never overlap). */
enum FaultKind {
    /** kill -9 of the watcher, started again after 0 to 1.5 s. */
    WATCHER_KILL(Lane.PROCESSES),
    /** kill -9 of one sink, started again after 0 to 1.5 s; its group rebalances. */
    SINK_KILL(Lane.PROCESSES),
    /** watcher killed, writes go on, etcd compacted to the current revision, watcher started: a re-snapshot. */
    COMPACTION_WHILE_WATCHER_DOWN(Lane.PROCESSES),
    /** one database's sinks stopped, {@code ferry replay --from-beginning}, sinks started. */
    REPLAY_FROM_BEGINNING(Lane.PROCESSES),
    /** kill -9 of the Kafka broker, started again after 0 to 2 s. */
    KAFKA_KILL(Lane.SERVERS),
    /** etcd killed (-9) or stopped (TERM) and started again, between workload requests. */
    ETCD_RESTART(Lane.SERVERS),
    /** pg_ctlcluster restart of the PostgreSQL server. */
    POSTGRES_RESTART(Lane.SERVERS),
    /** SHUTDOWN and start of the MariaDB server. */
    MARIADB_RESTART(Lane.SERVERS),
    /** every connection between Ferry and etcd, PostgreSQL or MariaDB reset (RST) at the proxy. */
    NETWORK_RESET(Lane.NETWORK),
    /** 20 to 300 ms added to every chunk between Ferry and etcd, PostgreSQL or MariaDB, for 1 to 5 s. */
    NETWORK_DELAY(Lane.NETWORK);

    /** Faults in one lane run one after the other; the two lanes run side by side. */
    enum Lane { PROCESSES, SERVERS, NETWORK }

    final Lane lane;

    FaultKind(Lane lane) {
        this.lane = lane;
    }
}
