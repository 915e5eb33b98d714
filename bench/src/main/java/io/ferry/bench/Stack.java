package io.ferry.bench;

import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The servers of a bench run, from the project's testkit: one etcd and one KRaft Kafka broker as
 * child processes on free loopback ports, and fresh databases on the local PostgreSQL and MariaDB
 * (or SQLite files) made on demand. Closing it stops and deletes everything it started.
 *
 * <p>The broker runs with the JVM options of Apache's {@code kafka-server-start.sh} (1 GiB heap, G1,
 * C2), as users run it; {@code -Dbench.broker=test} gives it the tests' lighter ones (C1 only,
 * SerialGC, 512 MiB) to compare.
 */
final class Stack implements AutoCloseable {

    final EtcdServer etcd;
    final KafkaBroker kafka;

    Stack() {
        // etcd's default backend quota (2 GiB) holds 1M keys of 1 KiB with their history; the bench
        // compacts nothing, so leave room for the writes of every scenario.
        this.etcd = new EtcdServer("--quota-backend-bytes=8589934592");
        this.kafka = "test".equals(System.getProperty("bench.broker")) ? new KafkaBroker()
                : KafkaBroker.asApacheStartsIt();
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

    /** Settings of a consumer that reads the broker's topics as a sink does: read-committed, no group, raw bytes. */
    Map<String, Object> readCommittedConsumer() {
        Map<String, Object> m = new HashMap<>();
        m.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        // The watcher writes in transactions; only committed ones are part of the data.
        m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Reading must never create a topic that the watcher sets up itself.
        m.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        m.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        m.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        m.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return m;
    }

    @Override
    public void close() {
        kafka.close();
        etcd.close();
    }
}
