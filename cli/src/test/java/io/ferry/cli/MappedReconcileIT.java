package io.ferry.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ferry reconcile} checks mapped tables as well as the generic table, on each database: a table the sink filled
 * from typed JSON values (text, bigint, double, boolean, timestamp, json and the doc column, each of which a database
 * returns in its own form) and a value that does not decode (listed in ferry_decode_failures) reconcile clean; a changed
 * cell, a deleted row, a row for a key etcd never had and the lost record of the undecodable value are each reported
 * against the mapped table, and {@code --repair} clears all four through the sink.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class MappedReconcileIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final SqlDatabase POSTGRES = SqlDatabase.postgres();

    @RegisterExtension
    static final SqlDatabase MARIADB = SqlDatabase.mariadb();

    @RegisterExtension
    static final SqlDatabase SQLITE = SqlDatabase.sqlite();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    enum Db {
        POSTGRES, MARIADB, SQLITE;

        SqlDatabase db() {
            return switch (this) {
                case POSTGRES -> MappedReconcileIT.POSTGRES;
                case MARIADB -> MappedReconcileIT.MARIADB;
                case SQLITE -> MappedReconcileIT.SQLITE;
            };
        }

        String quote(String identifier) {
            return this == MARIADB ? "`" + identifier + "`" : "\"" + identifier + "\"";
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void aMappedTableIsCheckedCellByCellAndRepaired(Db which) throws Exception {
        SqlDatabase db = which.db();
        String id = "m" + which.name().toLowerCase(Locale.ROOT);
        String prefix = "/" + id + "/lrps/";
        String table = "lrps_" + id;
        Map<String, Object> settings = new HashMap<>();
        settings.put("etcd.endpoints", ETCD.endpoint());
        settings.put("etcd.prefix", "/" + id + "/");
        settings.put("kafka.bootstrap", KAFKA.bootstrapServers());
        settings.put("kafka.topic", "mapped." + id);
        settings.put("kafka.topic.partitions", 2);
        settings.put("watcher.ha.enabled", false);
        settings.put("watcher.watermark.interval.ms", 300);
        settings.put("sink.jdbc", db.jdbcUrl());
        if (db.user() != null && !db.user().isEmpty()) {
            settings.put("sink.user", db.user());
        }
        if (db.password() != null && !db.password().isEmpty()) {
            settings.put("sink.password", db.password());
        }
        settings.put("sink.table", "kv_" + id);
        settings.put("sink.group", "g." + id);
        settings.put("http.enabled", false);
        Map<String, Object> sink = new HashMap<>(settings);
        sink.put("sink.mappings", List.of(Map.of("prefix", prefix, "table", table, "json", true, "columns", Map.of(
                "guid", Map.of("from", "key:3", "type", "text"),
                "instances", Map.of("from", "/instances", "type", "bigint"),
                "weight", Map.of("from", "/weight", "type", "double"),
                "routable", Map.of("from", "/routable", "type", "boolean"),
                "updated", Map.of("from", "/updated", "type", "timestamp"),
                "meta", Map.of("from", "/meta", "type", "json")))));
        Path config = ConfigFile.write(dir.resolve("ferry.yaml"), settings);
        Files.writeString(config, MAPPINGS.formatted(prefix, table), java.nio.file.StandardOpenOption.APPEND);

        KV kv = ETCD.client().getKVClient();
        try (Replication r = Replication.start(settings, sink)) {
            for (int i = 0; i < 6; i++) {
                put(kv, prefix + "lrp-" + i, "{\"instances\": " + (i + 1) + ", \"weight\": " + (i + 0.25) + ", \"routable\": "
                        + (i % 2 == 0) + ", \"updated\": \"2026-12-06T10:15:0" + i + ".123456Z\", \"meta\": {\"zone\": \"z" + i
                        + "\", \"tags\": [1, 2.50, \"x\"]}, \"extra\": null}");
            }
            put(kv, prefix + "broken", "not json at all");
            put(kv, "/" + id + "/done", "1");
            await("the last key replicated, and 6 mapped rows").atMost(Duration.ofSeconds(120))
                    .until(() -> count(which, "kv_" + id) == 8 && count(which, table) == 6);

            Cli.Result clean = reconcile(config);
            assertEquals(0, clean.exit(), clean.toString());
            assertTrue(clean.out().contains("mapped table " + table + ": 7 etcd keys, 6 project to a row, 6 rows in SQL; "
                    + "no differences"), clean.out());

            try (Connection c = db.connect()) {
                execute(c, "UPDATE " + table + " SET " + which.quote("instances") + " = 99 WHERE " + which.quote("key") + " = ?",
                        prefix + "lrp-1");
                execute(c, "DELETE FROM " + table + " WHERE " + which.quote("key") + " = ?", prefix + "lrp-2");
                execute(c, "INSERT INTO " + table + " (" + which.quote("key") + ", " + which.quote("mod_revision") + ", "
                        + which.quote("guid") + ") VALUES (?, 2, 'ghost')", prefix + "ghost");
                // The undecodable value's record goes: it is missing as surely as a row.
                execute(c, "DELETE FROM ferry_decode_failures WHERE " + which.quote("key") + " = ?", prefix + "broken");
            }
            Path report = dir.resolve("report.json");
            Cli.Result dirty = reconcile(config, "--json", report.toString());
            assertEquals(1, dirty.exit(), dirty.toString());
            assertTrue(dirty.out().contains("mapped table " + table + ": 7 etcd keys, 6 project to a row, 6 rows in SQL; "
                    + "4 differences (missing 2, extra 1, mismatch 1)"), dirty.out());
            JsonNode json = JSON.readTree(report.toFile());
            assertEquals(4, json.path("differences_total").asInt(), json.toString());
            assertEquals(0, json.path("counts").path("missing").asInt(), "the generic table is clean");
            JsonNode mapped = json.path("mapped_tables").path(0);
            assertEquals(table, mapped.path("table").asText());
            assertEquals(1, mapped.path("counts").path("mismatch").asInt(), mapped.toString());
            for (JsonNode d : json.path("differences")) {
                assertEquals(table, d.path("table").asText(), d.toString());
            }

            Cli.Result repair = reconcile(config, "--repair");
            assertEquals(1, repair.exit(), repair.toString());
            assertTrue(repair.out().contains("Repair: re-emitted"), repair.out());
            await("the repair applied").atMost(Duration.ofSeconds(60)).until(() -> count(which, table) == 6
                    && instances(db, which, table, prefix + "lrp-1") == 2 && count(which, "ferry_decode_failures") == 1);
            Cli.Result repaired = reconcile(config);
            assertEquals(0, repaired.exit(), repaired.toString());
        }
    }

    /** sink.mappings for the ferry command, as an operator writes it. */
    private static final String MAPPINGS = """
            sink.mappings:
              - prefix: '%s'
                table: '%s'
                json: true
                columns:
                  guid: {from: 'key:3', type: text}
                  instances: {from: /instances, type: bigint}
                  weight: {from: /weight, type: double}
                  routable: {from: /routable, type: boolean}
                  updated: {from: /updated, type: timestamp}
                  meta: {from: /meta, type: json}
            """;

    private Cli.Result reconcile(Path config, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("reconcile", "--wait", "30", "-c", config.toString()));
        args.addAll(List.of(more));
        return Cli.run(dir, args.toArray(String[]::new));
    }

    private static long count(Db which, String table) throws SQLException {
        try (Connection c = which.db().connect(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1; // not created yet
        }
    }

    private static long instances(SqlDatabase db, Db which, String table, String key) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT " + which.quote("instances")
                + " FROM " + table + " WHERE " + which.quote("key") + " = ?")) {
            ps.setBytes(1, key.getBytes(StandardCharsets.UTF_8));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private static void execute(Connection c, String sql, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setBytes(1, key.getBytes(StandardCharsets.UTF_8));
            assertEquals(1, ps.executeUpdate(), sql);
        }
    }

    private static void put(KV kv, String key, String value) throws Exception {
        kv.put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value, StandardCharsets.UTF_8))
                .get(30, TimeUnit.SECONDS);
    }
}
