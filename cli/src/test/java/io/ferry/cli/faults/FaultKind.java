package io.ferry.cli.faults;

import java.util.EnumSet;
import java.util.Set;

/**
 * The faults the schedule injects. Each kind runs in a lane of its own, so every kind reaches its
 * count in a few minutes; kinds that act on the same part (the watcher, one database's sinks, a
 * server) take that part's lock, so they follow one another instead of undoing each other.
 *
 * <p>Every run injects the {@link #common()} kinds; the kinds that act on etcd and Kafka come from
 * its {@link Topology}: {@link #KAFKA_KILL} and {@link #ETCD_RESTART} for one server of each,
 * {@link #ETCD_LEADER_KILL}, {@link #ETCD_MEMBER_PARTITION} and {@link #BROKER_KILL} for the clusters.
 * New kinds go at the end: a kind's ordinal seeds its schedule, so a seed keeps its scenario.
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
    /** kill -9 of the Kafka broker, started again after 0 to 2 s (one broker). */
    KAFKA_KILL,
    /** etcd killed (-9) or stopped (TERM) and started again, between workload requests (one etcd). */
    ETCD_RESTART,
    /** pg_ctlcluster restart of the PostgreSQL server. */
    POSTGRES_RESTART,
    /** SHUTDOWN and start of the MariaDB server. */
    MARIADB_RESTART,
    /** every connection between Ferry and etcd (one member), PostgreSQL or MariaDB reset (RST) at the proxy. */
    NETWORK_RESET,
    /** 20 to 300 ms added to every chunk between Ferry and etcd (one member), PostgreSQL or MariaDB, for 1 to 5 s. */
    NETWORK_DELAY,
    /** kill -9 of the etcd cluster's leader, started again after 0 to 2 s (clusters). */
    ETCD_LEADER_KILL,
    /**
     * one etcd member cut off for a few seconds: from its peers (a raft partition), from Ferry (its
     * proxy silent), or both (clusters).
     */
    ETCD_MEMBER_PARTITION,
    /**
     * kill -9 of one of the three brokers: a change partition's leader, the watcher's transaction
     * coordinator, a sink group's coordinator, or any; started again after 0 to 1 s (clusters).
     */
    BROKER_KILL;

    /** The kinds every run injects, whatever its servers. */
    static Set<FaultKind> common() {
        return EnumSet.of(WATCHER_KILL, SINK_KILL, COMPACTION_WHILE_WATCHER_DOWN, REPLAY_FROM_BEGINNING, POSTGRES_RESTART,
                MARIADB_RESTART, NETWORK_RESET, NETWORK_DELAY);
    }

    /** Whether it acts on etcd's servers, and so takes etcd's lock. */
    boolean actsOnEtcd() {
        return this == ETCD_RESTART || this == ETCD_LEADER_KILL || this == ETCD_MEMBER_PARTITION;
    }

    /** Whether it acts on Kafka's brokers, and so takes Kafka's lock. */
    boolean actsOnKafka() {
        return this == KAFKA_KILL || this == BROKER_KILL;
    }

    /** Whether it restarts a server, which takes longer than a process or a network fault and so waits longer between two. */
    boolean restartsServer() {
        return actsOnEtcd() || actsOnKafka() || this == POSTGRES_RESTART || this == MARIADB_RESTART;
    }
}
