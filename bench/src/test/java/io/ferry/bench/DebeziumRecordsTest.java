package io.ferry.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.KeyValue;
import io.ferry.core.event.Source;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DebeziumRecordsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void snapshotReadBecomesAnEnvelopeWithSchemaAndTheSameBytes() throws Exception {
        byte[] key = {'/', 'b', (byte) 0xFF, 0};
        byte[] value = {1, 2, 0, (byte) 0x80};
        ChangeEvent e = ChangeEvent.read(new KeyValue(key, value, 12, 700, 9, 7), new Source("cdf8", 1040, 1, true), 5L);

        JsonNode k = JSON.readTree(DebeziumRecords.key(e.key()));
        assertEquals("bench.peer.Key", k.at("/schema/name").asText());
        assertArrayEquals(key, Base64.getDecoder().decode(k.at("/payload/key").asText()));

        JsonNode v = JSON.readTree(DebeziumRecords.value(e));
        assertTrue(v.at("/schema/name").asText().endsWith(".Envelope"), "the connector recognises envelopes by this suffix");
        assertEquals("r", v.at("/payload/op").asText());
        assertTrue(v.at("/payload/before").isNull());
        assertArrayEquals(value, Base64.getDecoder().decode(v.at("/payload/after/value").asText()));
        assertEquals(700, v.at("/payload/after/mod_revision").asLong());
        assertEquals(7, v.at("/payload/after/lease").asLong());
        assertEquals(1040, v.at("/payload/source/revision").asLong());
        // Every field of the payload is declared in the schema, in the same order (JsonConverter needs both).
        assertEquals(5, v.at("/schema/fields").size());
        assertEquals("after", v.at("/schema/fields/1/field").asText());
        assertEquals(6, v.at("/schema/fields/1/fields").size());
    }

    @Test
    void deleteHasNoAfter() throws Exception {
        ChangeEvent e = ChangeEvent.delete(new byte[] {'k'}, null, new Source("cdf8", 1043, 1, false), 5L);
        JsonNode v = JSON.readTree(DebeziumRecords.value(e));
        assertEquals("d", v.at("/payload/op").asText());
        assertTrue(v.at("/payload/after").isNull());
    }
}
