package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Timestamp;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.KeyValue;
import io.ferry.testkit.SqlDatabase;
import io.ferry.values.BbsValues;
import io.ferry.values.KubernetesValues;
import io.ferry.values.testproto.DesiredLRP;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Real etcd value formats through the sink's mapped tables, queried in SQL: Kubernetes objects as the API
 * server stores them (Pods and ConfigMaps as k8s protobuf, a custom resource as JSON and as CBOR), Diego BBS
 * protobuf models (encrypted, base64 and plain) by a descriptor set, Diego JSON models with a lease, bare
 * protobuf and CBOR. A value sealed under a key the ring lacks is diverted with its reason. Then an update, a
 * stale copy and a delete, and a replay of the whole topic, which must change nothing: the mapped rows are
 * revision-guarded and applied exactly once like the generic table's.
 */
final class DecodedMappingCheck {

    private static final String PASSPHRASE = "bbs-passphrase-2024";
    private static final long CREATED = KubernetesValues.CREATED;
    private static final String CREATED_TEXT = "2024-05-01 10:00:00";

    private final AbstractSinkIT it;
    private final SqlDatabase db;
    private final Path dir;

    DecodedMappingCheck(AbstractSinkIT it, Path dir) {
        this.it = it;
        this.db = it.db();
        this.dir = dir;
    }

    void run() throws Exception {
        AbstractSinkIT.Names n = it.names("decode");
        String dlq = n.topic() + ".dlq";
        AbstractSinkIT.KAFKA.createTopic(n.topic(), 2, Map.of());
        AbstractSinkIT.KAFKA.createTopic(dlq, 1, Map.of());
        String p = n.prefix();
        String t = n.table();
        Map<String, Object> settings = it.settings(n);
        settings.put("sink.dlq.topic", dlq);
        settings.put("sink.mappings", mappings(p, t));
        FerryConfig config = AbstractSinkIT.config(settings);
        EtcdModel model = new EtcdModel(1);
        try (TopicWriter w = new TopicWriter(AbstractSinkIT.KAFKA.bootstrapServers(), n.topic(), 2);
             JdbcSink sink = AbstractSinkIT.startSink(config)) {
            KeyValue firstWeb0 = writeKubernetes(p, model, w);
            writeDiego(p, model, w);
            writeProtobufAndCbor(p, model, w);
            // Sealed under a key the ring does not hold: nothing dropped, the raw bytes reach the generic table and the
            // failure is listed in ferry_decode_failures with the decoder's reason only.
            byte[] unreadable = utf8(p + "v1/desired_lrp/schedule/pg-old");
            w.put(model.put(unreadable, BbsValues.encrypted(BbsValues.envelope(BbsValues.PROTO, 0, lrp("pg-old", 1)
                    .toByteArray()), "key-2019", "retired", BbsValues.nonce(99))));
            // A key that decoded, then turned undecodable: its mapped row goes, its failure comes.
            byte[] turned = utf8(p + "v1/desired_lrp/schedule/pg-turned");
            w.put(model.put(turned, BbsValues.unencoded(BbsValues.envelope(BbsValues.PROTO, 0, lrp("pg-turned", 9).toByteArray()))));
            w.put(model.put(turned, utf8("not a BBS value")));
            // An update, a stale copy of the version it replaced, and a delete.
            byte[] web0 = utf8(p + "registry/pods/shop/web-0");
            w.put(model.put(web0, KubernetesValues.stored("v1", "Pod", pod("shop", "web-0", "web-v2", 0))));
            w.put(firstWeb0);
            byte[] gone = utf8(p + "registry/pods/ops/web-1");
            w.delete(gone, model.delete(gone));
            w.commit();
            w.control(ControlRecord.Kind.WATERMARK, model.revision());
            w.commit();
            it.awaitWatermark(config, 2, model.revision());
            assertRows(t);
            assertEquals(model.all().size(), SinkRows.count(db, "SELECT COUNT(*) FROM " + t), "the generic table holds every key");
            List<String> failures = failures(p);
            assertEquals(2, failures.size(), failures.toString());
            assertTrue(failures.get(0).startsWith("v1/desired_lrp/schedule/pg-old|" + t + "_desired|encrypted_no_key|diego: "),
                    failures.toString());
            assertTrue(failures.get(1).startsWith("v1/desired_lrp/schedule/pg-turned|" + t + "_desired|undecodable|"),
                    failures.toString());
            assertFalse(failures.get(0).contains(PASSPHRASE), failures.get(0));

            Replay.fromBeginning(config);
            byte[] cm = utf8(p + "registry/configmaps/shop/cm-9");
            w.put(model.put(cm, KubernetesValues.stored("v1", "ConfigMap", KubernetesValues.configMap("shop", "cm-9"))));
            w.commit();
            w.control(ControlRecord.Kind.WATERMARK, model.revision());
            w.commit();
            it.awaitWatermark(config, 2, model.revision());
            assertRows(t);
            assertEquals(4, SinkRows.count(db, "SELECT COUNT(*) FROM " + t + "_configmaps"));
            assertEquals(failures, failures(p), "a replay records the same failures, and brings back no mapped row");
            var dead = new org.apache.kafka.common.TopicPartition(dlq, 0);
            assertEquals(0, AbstractSinkIT.KAFKA.admin().listOffsets(Map.of(dead, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .all().get(30, java.util.concurrent.TimeUnit.SECONDS).get(dead).offset(), "no value went to the dead-letter topic");

            // The key decodes again, and the other is deleted: both failures go.
            w.put(model.put(unreadable, BbsValues.unencoded(BbsValues.envelope(BbsValues.PROTO, 0, lrp("pg-old", 1).toByteArray()))));
            w.delete(turned, model.delete(turned));
            w.commit();
            w.control(ControlRecord.Kind.WATERMARK, model.revision());
            w.commit();
            it.awaitWatermark(config, 2, model.revision());
            assertEquals(List.of(), failures(p));
            assertEquals(List.of("pg-old|1"), query("SELECT process_guid, instances FROM " + t + "_desired WHERE process_guid = 'pg-old'"));
            assertEquals(model.all().size(), SinkRows.count(db, "SELECT COUNT(*) FROM " + t));
        }
    }

    /** ferry_decode_failures under prefix {@code p}: key without the prefix, table, category, reason. */
    private List<String> failures(String p) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); var st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT " + (db.kind() == SqlDatabase.Kind.MARIADB || db.kind() == SqlDatabase.Kind.MYSQL ? "`key`" : "\"key\"")
                        + ", table_name, category, reason FROM ferry_decode_failures")) {
            while (rs.next()) {
                String key = new String(rs.getBytes(1), java.nio.charset.StandardCharsets.UTF_8);
                if (key.startsWith(p)) {
                    out.add(key.substring(p.length()) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
                }
            }
        }
        java.util.Collections.sort(out);
        return out;
    }

    private List<Map<String, Object>> mappings(String p, String t) throws Exception {
        Path key = Files.writeString(dir.resolve("bbs-key-2024"), PASSPHRASE + "\n");
        Map<String, Object> protobuf = Map.of("protobuf", Map.of("descriptors", descriptorSet(dir.resolve("diego.desc")).toString(),
                "message", "ferry.test.diego.DesiredLRP"));
        String desired = p + "v1/desired_lrp/schedule/";
        String actual = p + "v1/actual/";
        return List.of(
                mapping(desired, t + "_desired", List.of(Map.of("diego", Map.of("keys", Map.of("key-2024",
                        Map.of("file", key.toString())))), protobuf), false, Map.of(
                        "process_guid", col("key:" + segment(desired), "text"),
                        "domain", col("/domain", "text"),
                        "instances", col("/instances", "bigint"),
                        "created", col("/created_at", "timestamp"),
                        "routes", col("/routes", "json"),
                        "disk", col("/disk_bytes", "bigint"))),
                mapping(actual, t + "_actual", "diego", true, Map.of(
                        "guid", col("key:" + segment(actual), "text"),
                        "state", col("/state", "text"),
                        "since", col("/since", "timestamp"),
                        "lease_id", col("lease", "bigint"))),
                mapping(p + "proto/", t + "_proto", List.of(protobuf), false, Map.of(
                        "guid", col("/process_guid", "text"),
                        "instances", col("/instances", "bigint"),
                        "privileged", col("/privileged", "boolean"),
                        "placement", col("/placement", "text"))),
                mapping(p + "cbor/", t + "_cbor", "cbor", false, Map.of(
                        "name", col("/name", "text"),
                        "weight", col("/weight", "double"),
                        "seen_at", col("/at", "timestamp"),
                        "enabled", col("/enabled", "boolean"))),
                mapping(p + "registry/pods/", t + "_pods", "kubernetes", true, Map.of(
                        "namespace", col("/metadata/namespace", "text"),
                        "name", col("/metadata/name", "text"),
                        "app", col("/metadata/labels/app", "text"),
                        "created", col("/metadata/creationTimestamp", "timestamp"),
                        "containers", col("/spec/containers", "jsonb"))),
                mapping(p + "registry/configmaps/", t + "_configmaps", "kubernetes", false, Map.of(
                        "name", col("/metadata/name", "text"),
                        "level", col("/data/log.level", "text"))),
                mapping(p + "registry/stable.example.com/crontabs/", t + "_crontabs", List.of("kubernetes"), false, Map.of(
                        "name", col("/metadata/name", "text"),
                        "replicas", col("/spec/replicas", "bigint"),
                        "image", col("/spec/image", "text"))));
    }

    // ---- written values ----

    private KeyValue writeKubernetes(String p, EtcdModel model, TopicWriter w) throws Exception {
        KeyValue firstWeb0 = null;
        int i = 0;
        for (String ns : List.of("shop", "billing", "ops")) {
            for (int k = 0; k < 3; k++, i++) {
                String name = "web-" + k;
                KeyValue kv = model.put(utf8(p + "registry/pods/" + ns + "/" + name),
                        KubernetesValues.stored("v1", "Pod", pod(ns, name, k % 2 == 0 ? "web" : "worker", i)));
                w.put(kv);
                firstWeb0 = firstWeb0 == null ? kv : firstWeb0;
            }
        }
        for (int k = 0; k < 3; k++) {
            w.put(model.put(utf8(p + "registry/configmaps/shop/cm-" + k),
                    KubernetesValues.stored("v1", "ConfigMap", KubernetesValues.configMap("shop", "cm-" + k))));
        }
        String crontabs = p + "registry/stable.example.com/crontabs/default/";
        w.put(model.put(utf8(crontabs + "json-tab"), KubernetesValues.customResourceJson("default", "json-tab")));
        w.put(model.put(utf8(crontabs + "cbor-tab"), KubernetesValues.customResourceCbor("default", "cbor-tab")));
        return firstWeb0;
    }

    private static V1.Pod pod(String ns, String name, String app, int minutes) {
        V1.Pod pod = KubernetesValues.pod(ns, name, app);
        return pod.toBuilder().setMetadata(pod.getMetadata().toBuilder()
                .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(CREATED + 60L * minutes))).build();
    }

    /** Desired LRPs as BBS protobuf models, sealed, in base64 and plain, and one JSON model; actual LRPs as JSON. */
    private static void writeDiego(String p, EtcdModel model, TopicWriter w) throws Exception {
        for (int i = 0; i < 6; i++) {
            byte[] envelope = BbsValues.envelope(BbsValues.PROTO, 0, lrp("pg-" + i, i + 1).toByteArray());
            byte[] value = switch (i % 3) {
                case 0 -> BbsValues.encrypted(envelope, "key-2024", PASSPHRASE, BbsValues.nonce(i));
                case 1 -> BbsValues.base64(envelope);
                default -> BbsValues.unencoded(envelope);
            };
            w.put(model.put(utf8(p + "v1/desired_lrp/schedule/pg-" + i), value));
        }
        w.put(model.put(utf8(p + "v1/desired_lrp/schedule/pg-json"), BbsValues.unencoded(BbsValues.envelope(BbsValues.JSON, 0,
                utf8("{\"process_guid\":\"pg-json\",\"domain\":\"cf-apps\",\"instances\":7,\"created_at\":"
                        + "\"2024-05-01T10:00:07Z\",\"routes\":{\"http\":\"app.example.com\"},\"disk_bytes\":\"7000000000\"}")))));
        for (int i = 0; i < 3; i++) {
            String json = "{\"state\":\"" + (i == 1 ? "CLAIMED" : "RUNNING") + "\",\"since\":" + (CREATED + 3600L * i) + "}";
            byte[] value = i == 2 ? utf8(json) : BbsValues.unencoded(BbsValues.envelope(BbsValues.JSON, 0, utf8(json)));
            KeyValue kv = model.put(utf8(p + "v1/actual/ag-" + i), value);
            w.put(new KeyValue(kv.key(), kv.value(), kv.createRevision(), kv.modRevision(), kv.version(), i == 0 ? 0 : 7000L + i));
        }
    }

    private static void writeProtobufAndCbor(String p, EtcdModel model, TopicWriter w) throws Exception {
        for (int i = 0; i < 2; i++) {
            w.put(model.put(utf8(p + "proto/pb-" + i), lrp("pb-" + i, 10 + i).toBuilder().setPrivileged(i == 0)
                    .setPlacementValue(i).build().toByteArray()));
        }
        ObjectMapper cbor = new ObjectMapper(new CBORFactory());
        for (int i = 0; i < 2; i++) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("name", "c-" + i);
            doc.put("weight", 1.5 + i);
            doc.put("at", "2024-05-01T1" + i + ":00:00Z");
            doc.put("enabled", i == 1);
            w.put(model.put(utf8(p + "cbor/c-" + i), cbor.writeValueAsBytes(doc)));
        }
    }

    private static DesiredLRP lrp(String guid, int instances) {
        return DesiredLRP.newBuilder().setProcessGuid(guid).setDomain("cf-apps").setInstances(instances)
                .setDiskBytes(1_000_000_000L * instances).setCreatedAt(Timestamp.newBuilder().setSeconds(CREATED + instances))
                .putRoutes("http", "app.example.com").build();
    }

    /** The descriptor set of the test model, as protoc --include_imports --descriptor_set_out writes it. */
    private static Path descriptorSet(Path file) throws Exception {
        DescriptorProtos.FileDescriptorSet.Builder set = DescriptorProtos.FileDescriptorSet.newBuilder();
        addWithImports(DesiredLRP.getDescriptor().getFile(), set, new LinkedHashSet<>());
        return Files.write(file, set.build().toByteArray());
    }

    private static void addWithImports(Descriptors.FileDescriptor f, DescriptorProtos.FileDescriptorSet.Builder set,
                                       Set<String> seen) {
        if (seen.add(f.getName())) {
            f.getDependencies().forEach(d -> addWithImports(d, set, seen));
            set.addFile(f.toProto());
        }
    }

    /** The key segment after {@code prefix}, as key:N counts it. */
    private static int segment(String prefix) {
        return prefix.split("/", -1).length - 1;
    }

    // ---- what SQL must hold ----

    private void assertRows(String t) throws Exception {
        assertEquals(List.of(
                "billing|web-0|web|" + CREATED_TEXT.replace("10:00:00", "10:03:00") + "|nginx:1.27",
                "billing|web-1|worker|" + CREATED_TEXT.replace("10:00:00", "10:04:00") + "|nginx:1.27",
                "billing|web-2|web|" + CREATED_TEXT.replace("10:00:00", "10:05:00") + "|nginx:1.27",
                "ops|web-0|web|" + CREATED_TEXT.replace("10:00:00", "10:06:00") + "|nginx:1.27",
                "ops|web-2|web|" + CREATED_TEXT.replace("10:00:00", "10:08:00") + "|nginx:1.27",
                "shop|web-0|web-v2|" + CREATED_TEXT + "|nginx:1.27",
                "shop|web-1|worker|" + CREATED_TEXT.replace("10:00:00", "10:01:00") + "|nginx:1.27",
                "shop|web-2|web|" + CREATED_TEXT.replace("10:00:00", "10:02:00") + "|nginx:1.27"),
                query("SELECT namespace, name, app, " + utcText("created") + ", " + jsonText("containers", "0", "image")
                        + " FROM " + t + "_pods ORDER BY namespace, name"), "every Pod's namespace, name, label, time, image");
        assertEquals(List.of("billing/web-0", "billing/web-1", "billing/web-2", "ops/web-0", "ops/web-2", "shop/web-0",
                "shop/web-1", "shop/web-2"), query("SELECT " + jsonText("doc", "metadata", "namespace") + ", "
                + jsonText("doc", "metadata", "name") + " FROM " + t + "_pods ORDER BY 1, 2").stream()
                .map(r -> r.replace('|', '/')).toList(), "the decoded Pod in the doc column, queried as JSON");
        assertEquals(List.of("web-0|2", "web-2|3"), query("SELECT name, COUNT(*) FROM " + t + "_pods WHERE app = 'web' "
                + "GROUP BY name ORDER BY name"));
        assertTrue(query("SELECT DISTINCT level FROM " + t + "_configmaps").equals(List.of("debug")));
        assertEquals(List.of("cbor-tab|2|my-cron-image", "json-tab|2|my-cron-image"),
                query("SELECT name, replicas, image FROM " + t + "_crontabs ORDER BY name"));
        List<String> desired = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            desired.add("pg-" + i + "|cf-apps|" + (i + 1) + "|2024-05-01 10:00:0" + (i + 1) + "|app.example.com|" + (i + 1) + "000000000");
        }
        desired.add("pg-json|cf-apps|7|2024-05-01 10:00:07|app.example.com|7000000000");
        assertEquals(desired, query("SELECT process_guid, domain, instances, " + utcText("created") + ", "
                + jsonText("routes", "http") + ", disk FROM " + t + "_desired ORDER BY process_guid"),
                "Diego protobuf models, sealed, base64 and plain, and a JSON one");
        assertEquals(List.of("ag-0|RUNNING|2024-05-01 10:00:00|null", "ag-1|CLAIMED|2024-05-01 11:00:00|7001",
                "ag-2|RUNNING|2024-05-01 12:00:00|7002"), query("SELECT guid, state, " + utcText("since") + ", lease_id FROM "
                + t + "_actual ORDER BY guid"), "Diego JSON models (enveloped and legacy) with their lease ids");
        assertEquals(List.of("pb-0|10|yes|PLACEMENT_ANY", "pb-1|11|no|PLACEMENT_ISOLATED"), query("SELECT guid, instances, "
                + "CASE WHEN privileged THEN 'yes' ELSE 'no' END, placement FROM " + t + "_proto ORDER BY guid"));
        assertEquals(List.of("c-0|1.5|2024-05-01 10:00:00|no", "c-1|2.5|2024-05-01 11:00:00|yes"), query("SELECT name, weight, "
                + utcText("seen_at") + ", CASE WHEN enabled THEN 'yes' ELSE 'no' END FROM " + t + "_cbor ORDER BY name"));
    }

    /** Each row's columns as text joined by '|'. */
    private List<String> query(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                out.add(String.join("|", row));
            }
        }
        return out;
    }

    /** A timestamp column as UTC text to the second, in the dialect's own functions. */
    private String utcText(String column) {
        return switch (db.kind()) {
            case POSTGRES -> "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')";
            case SQLITE -> "strftime('%Y-%m-%d %H:%M:%S', " + column + ")";
            default -> "DATE_FORMAT(" + column + ", '%Y-%m-%d %H:%i:%s')";
        };
    }

    /** A text field of a JSON column, by a path of object keys and array indexes, in the dialect's own functions. */
    private String jsonText(String column, String... path) {
        if (db.kind() == SqlDatabase.Kind.POSTGRES) {
            return "(" + column + " #>> '{" + String.join(",", path) + "}')";
        }
        StringBuilder json = new StringBuilder("$");
        for (String step : path) {
            json.append(step.chars().allMatch(Character::isDigit) ? "[" + step + "]" : "." + step);
        }
        return db.kind() == SqlDatabase.Kind.SQLITE ? "json_extract(" + column + ", '" + json + "')"
                : "JSON_UNQUOTE(JSON_EXTRACT(" + column + ", '" + json + "'))";
    }

    // ---- settings ----

    private static Map<String, Object> mapping(String prefix, String table, Object decode, boolean json,
                                               Map<String, Object> columns) {
        return Map.of("prefix", prefix, "table", table, "decode", decode, "json", json, "columns", columns);
    }

    private static Map<String, Object> col(String from, String type) {
        return Map.of("from", from, "type", type);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
