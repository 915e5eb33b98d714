package io.ferry.sink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SecuredSqlServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A value larger than one statement may carry to MariaDB ({@code max_allowed_packet}; Connector/J sends
 * bytes as hex, so a row takes twice its size) used to end the whole sink: the server's "Packet for
 * query is too large" is not transient. Now it is a bad record: it goes to the dead-letter topic, or
 * halts its own partition, and the sink goes on. On a private MariaDB whose packet limit this test
 * lowers to 1 MiB (the shared server keeps its own).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MariaDbStatementLimitIT {

    private static final String DATABASE = "app";
    /** Under 1 MiB, so that Kafka's default record limit takes it, and over the half of it that fits a statement. */
    private static final int LARGE = 600_000;

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    @RegisterExtension
    static final SecuredSqlServer MARIADB = SecuredSqlServer.mariadb();

    @BeforeAll
    static void smallPacketLimit() {
        MARIADB.createDatabase(DATABASE);
        MARIADB.execute(DATABASE, "SET GLOBAL max_allowed_packet = 1048576"); // for the connections opened after it
    }

    @Test
    void aRowOverMaxAllowedPacketGoesToTheDeadLetterTopicAndTheSinkGoesOn() throws Exception {
        FerryConfig config = config("dlq", true);
        KAFKA.createTopic("limit.dlq", 1, Map.of());
        try (TopicWriter w = new TopicWriter(KAFKA.bootstrapServers(), "limit.dlq", 1);
             JdbcSink sink = start(config)) {
            write(w, "/dlq/");
            await().atMost(Duration.ofMinutes(2)).until(() -> keys("kv_dlq").contains("/dlq/after"));
            assertEquals(Set.of("/dlq/before", "/dlq/after"), keys("kv_dlq"));
            List<String> letters = DeadLetterReader.read(KAFKA.bootstrapServers(), "limit.dlq.dead", 1);
            assertEquals(1, letters.size(), letters.toString());
            assertTrue(letters.get(0).contains("max_allowed_packet 1048576 bytes admits rows of 516096")
                    && letters.get(0).contains("raise max_allowed_packet to at least"), letters.toString());
            assertEquals(JdbcSink.State.RUNNING, sink.state());
        }
    }

    @Test
    void withoutADeadLetterTopicTheRowHaltsOnlyItsPartition() throws Exception {
        FerryConfig config = config("halt", false);
        KAFKA.createTopic("limit.halt", 1, Map.of());
        try (TopicWriter w = new TopicWriter(KAFKA.bootstrapServers(), "limit.halt", 1);
             JdbcSink sink = start(config)) {
            write(w, "/halt/");
            await().atMost(Duration.ofMinutes(2)).until(() -> sink.haltedPartitions().equals(Set.of(0)));
            assertEquals(Set.of("/halt/before"), keys("kv_halt"), "nothing after the bad record in its partition is applied");
            assertEquals(JdbcSink.State.RUNNING, sink.state());
        }
    }

    private static FerryConfig config(String name, boolean deadLetters) {
        Map<String, Object> m = new HashMap<>();
        m.put("kafka.bootstrap", KAFKA.bootstrapServers());
        m.put("kafka.topic", "limit." + name);
        m.put("sink.jdbc", MARIADB.jdbcUrl(DATABASE));
        m.put("sink.user", MARIADB.adminUser());
        m.put("sink.password", MARIADB.adminPassword());
        m.put("sink.table", "kv_" + name);
        m.put("sink.group", "g.limit." + name);
        if (deadLetters) {
            m.put("sink.dlq.topic", "limit." + name + ".dead");
        }
        return FerryConfig.fromMap(m);
    }

    private static JdbcSink start(FerryConfig config) {
        JdbcSink sink = JdbcSink.create(config, new SimpleMeterRegistry());
        sink.start();
        return sink;
    }

    /** A small put, a put of {@link #LARGE} bytes (each sent to MariaDB as two hex digits), a small put. */
    private static void write(TopicWriter w, String prefix) {
        EtcdModel model = new EtcdModel(1);
        w.put(model.put((prefix + "before").getBytes(StandardCharsets.UTF_8), "small".getBytes(StandardCharsets.UTF_8)));
        w.put(model.put((prefix + "large").getBytes(StandardCharsets.UTF_8), "x".repeat(LARGE).getBytes(StandardCharsets.UTF_8)));
        w.put(model.put((prefix + "after").getBytes(StandardCharsets.UTF_8), "small".getBytes(StandardCharsets.UTF_8)));
        w.commit();
    }

    private static Set<String> keys(String table) throws Exception {
        Set<String> keys = new TreeSet<>();
        try (Connection c = MARIADB.connectAdmin(DATABASE);
             ResultSet rs = c.createStatement().executeQuery("SELECT `key` FROM " + table)) {
            while (rs.next()) {
                keys.add(new String(rs.getBytes(1), StandardCharsets.UTF_8));
            }
        }
        return keys;
    }
}
