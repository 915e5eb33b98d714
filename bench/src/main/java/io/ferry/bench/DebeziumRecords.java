package io.ferry.bench;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.KeyValue;
import io.ferry.core.event.Op;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One of Ferry's change events rewritten as the record Debezium's JDBC sink consumes: Kafka
 * Connect's {@code JsonConverter} form with {@code schemas.enable=true} ({@code {"schema": ...,
 * "payload": ...}} in both key and value), the value a Debezium-style envelope with
 * {@code before}, {@code after}, {@code source}, {@code op} and {@code ts_ms}. The connector takes
 * a value schema whose name ends in {@code .Envelope} as a change event and writes its
 * {@code after}, so no flattening transform is needed.
 *
 * <p>The row carries the same columns as Ferry's {@code etcd_kv}; key and value stay bytes
 * (JsonConverter writes a {@code bytes} field as base64, so every string here is plain ASCII and
 * needs no escaping).
 */
final class DebeziumRecords {

    private static final String ROW_FIELDS = "["
            + field("key", "bytes") + "," + field("value", "bytes") + "," + field("create_revision", "int64") + ","
            + field("mod_revision", "int64") + "," + field("version", "int64") + "," + field("lease", "int64") + "]";

    static final String KEY_SCHEMA = "{\"type\":\"struct\",\"name\":\"bench.peer.Key\",\"optional\":false,\"fields\":["
            + field("key", "bytes") + "]}";

    static final String VALUE_SCHEMA = "{\"type\":\"struct\",\"name\":\"bench.peer.Envelope\",\"optional\":false,\"fields\":["
            + row("before") + "," + row("after") + ","
            + "{\"field\":\"source\",\"type\":\"struct\",\"name\":\"bench.peer.Source\",\"optional\":false,\"fields\":["
            + field("cluster_id", "string") + "," + field("revision", "int64") + "," + field("snapshot", "boolean") + "]},"
            + field("op", "string") + ",{\"field\":\"ts_ms\",\"type\":\"int64\",\"optional\":true}]}";

    private DebeziumRecords() {
    }

    static byte[] key(byte[] etcdKey) {
        return ("{\"schema\":" + KEY_SCHEMA + ",\"payload\":{\"key\":\"" + b64(etcdKey) + "\"}}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] value(ChangeEvent e) {
        StringBuilder b = new StringBuilder(VALUE_SCHEMA.length() + 1024);
        b.append("{\"schema\":").append(VALUE_SCHEMA).append(",\"payload\":{\"before\":");
        row(b, e.before());
        b.append(",\"after\":");
        row(b, e.op() == Op.DELETE ? null : e.after());
        b.append(",\"source\":{\"cluster_id\":\"").append(e.source().clusterId())
                .append("\",\"revision\":").append(e.source().revision())
                .append(",\"snapshot\":").append(e.source().snapshot())
                .append("},\"op\":\"").append(e.op().code()).append("\",\"ts_ms\":").append(e.tsMs()).append("}}");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void row(StringBuilder b, KeyValue kv) {
        if (kv == null) {
            b.append("null");
            return;
        }
        b.append("{\"key\":\"").append(b64(kv.key())).append("\",\"value\":\"").append(b64(kv.value()))
                .append("\",\"create_revision\":").append(kv.createRevision())
                .append(",\"mod_revision\":").append(kv.modRevision())
                .append(",\"version\":").append(kv.version())
                .append(",\"lease\":").append(kv.lease()).append('}');
    }

    private static String row(String name) {
        return "{\"field\":\"" + name + "\",\"type\":\"struct\",\"name\":\"bench.peer.Value\",\"optional\":true,\"fields\":"
                + ROW_FIELDS + "}";
    }

    private static String field(String name, String type) {
        return "{\"field\":\"" + name + "\",\"type\":\"" + type + "\",\"optional\":false}";
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
