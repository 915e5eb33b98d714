package io.ferry.connect;

import static io.ferry.connect.FerryRecords.TS;
import static io.ferry.connect.FerryRecords.change;
import static io.ferry.connect.FerryRecords.kv;
import static io.ferry.connect.FerryRecords.source;
import static io.ferry.connect.FerryRecords.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.ChangeEvent;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * The events survive Connect's JsonConverter, with and without schemas, as a source-side pipeline
 * that republishes Ferry's topic in Debezium's JSON would write them.
 */
class ConverterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] KEY = {'/', 'b', 'i', 'n', '/', (byte) 0xff, 0};
    private static final byte[] VALUE = {'a', 0, (byte) 0xc0};

    private static JsonConverter converter(boolean schemas, boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", Boolean.toString(schemas)), isKey);
        return c;
    }

    private static SinkRecord event() {
        ToDebezium<SinkRecord> t = new ToDebezium<>();
        t.configure(Map.of(ToDebeziumConfig.ROW_EPOCH_FIELD, "epoch"));
        return t.apply(change(ChangeEvent.put(kv(KEY, VALUE, 10, 12, 2), kv(KEY, utf8("old"), 10, 10, 1),
                source(12, 1, false), TS), 0));
    }

    @Test
    void withSchemasTheJsonIsDebeziumsAndReadsBackToTheSameStructs() throws Exception {
        SinkRecord out = event();
        JsonConverter values = converter(true, false);
        byte[] json = values.fromConnectData(out.topic(), out.valueSchema(), out.value());

        JsonNode root = JSON.readTree(json);
        assertEquals("ferry.etcd_kv.Envelope", root.path("schema").path("name").asText());
        assertEquals("io.debezium.data.Enum", root.path("schema").path("fields").get(2).path("fields").get(4).path("name").asText());
        JsonNode payload = root.path("payload");
        assertEquals("u", payload.path("op").asText());
        assertEquals(Base64.getEncoder().encodeToString(KEY), payload.path("after").path("key").asText());
        assertEquals(Base64.getEncoder().encodeToString(VALUE), payload.path("after").path("value").asText());
        assertEquals(12, payload.path("after").path("mod_revision").asLong());
        assertEquals("old", new String(Base64.getDecoder().decode(payload.path("before").path("value").asText())));
        assertEquals("false", payload.path("source").path("snapshot").asText());
        assertEquals("ferry", payload.path("source").path("connector").asText());

        SchemaAndValue back = values.toConnectData(out.topic(), json);
        assertEquals(out.valueSchema(), back.schema());
        assertEquals(out.value(), back.value());

        JsonConverter keys = converter(true, true);
        SchemaAndValue key = keys.toConnectData(out.topic(), keys.fromConnectData(out.topic(), out.keySchema(), out.key()));
        assertEquals(out.key(), key.value());
    }

    @Test
    void withoutSchemasThePayloadAlone() throws Exception {
        SinkRecord out = event();
        JsonNode root = JSON.readTree(converter(false, false).fromConnectData(out.topic(), out.valueSchema(), out.value()));
        assertEquals("u", root.path("op").asText());
        assertEquals(1, root.path("after").path("epoch").asLong());
        assertEquals(12, root.path("source").path("revision").asLong());
    }

    @Test
    void aTombstoneStaysNull() {
        ChangeEvent delete = ChangeEvent.delete(KEY, null, source(13, 1, false), TS);
        ToDebezium<SinkRecord> t = new ToDebezium<>();
        t.configure(Map.of());
        SinkRecord tomb = t.apply(FerryRecords.tombstone(delete, 1));
        assertNull(converter(true, false).fromConnectData(tomb.topic(), tomb.valueSchema(), tomb.value()));
    }
}
