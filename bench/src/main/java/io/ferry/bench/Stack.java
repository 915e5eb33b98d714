package io.ferry.bench;

import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.util.Map;

/**
 * The servers of a bench run, from the project's testkit: one etcd and one KRaft Kafka broker as
 * child processes on free loopback ports, and fresh databases on the local PostgreSQL and MariaDB
 * (or SQLite files) made on demand. Closing it stops and deletes everything it started.
 */
final class Stack implements AutoCloseable {

    final EtcdServer etcd;
    final KafkaBroker kafka;

    Stack() {
        // etcd's default backend quota (2 GiB) holds 1M keys of 1 KiB with their history; the bench
        // compacts nothing, so leave room for the writes of every scenario.
        this.etcd = new EtcdServer("--quota-backend-bytes=8589934592");
        this.kafka = new KafkaBroker();
    }

    void start() {
        etcd.start();
        kafka.start();
    }

    /** A fresh database of {@code kind}, started; the caller closes it (which drops it). */
    SqlDatabase database(SqlDatabase.Kind kind) {
        SqlDatabase db = switch (kind) {
            case POSTGRES -> SqlDatabase.postgres();
            case MARIADB -> SqlDatabase.mariadb();
            case SQLITE -> SqlDatabase.sqlite();
            case MYSQL -> SqlDatabase.mysql();
        };
        db.start();
        return db;
    }

    /** A change topic laid out as the watcher would create it, so a sink can subscribe before the watcher runs. */
    void createTopic(String topic, int partitions) {
        kafka.createTopic(topic, partitions, Map.of("cleanup.policy", "compact",
                "max.message.bytes", Integer.toString(KafkaBroker.MAX_MESSAGE_BYTES)));
    }

    @Override
    public void close() {
        kafka.close();
        etcd.close();
    }
}
