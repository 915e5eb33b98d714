package io.ferry.values;

import static io.ferry.values.DiegoTest.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** CBOR items, from hand-written bytes (RFC 8949's examples) and from Jackson's CBOR generator. */
class CborDecoderTest {

    private final ValueDecoder cbor = Chains.of("[cbor]");

    private JsonNode decoded(String hex) {
        DecodeResult r = cbor.decode(HexFormat.of().parseHex(hex.replace(" ", "")));
        assertTrue(r.ok(), r::toString);
        return r.document();
    }

    @Test
    void itemsOfEveryMajorType() {
        // {"a": 1, "b": [2, 3]} (RFC 8949, appendix A)
        JsonNode m = decoded("a26161016162820203");
        assertEquals("{\"a\":1,\"b\":[2,3]}", m.toString());
        assertEquals(1000000000000L, decoded("1b000000e8d4a51000").asLong());
        assertEquals(-1000, decoded("3903e7").asInt());
        assertEquals(1.1, decoded("fb3ff199999999999a").asDouble());
        assertEquals("\u00fc", decoded("62c3bc").asText());
        assertTrue(decoded("f5").asBoolean());
        assertTrue(decoded("f6").isNull());
        assertEquals("AQIDBA==", decoded("4401020304").asText(), "a byte string is base64 text");
        assertEquals("{\"a\":1}", decoded("d9d9f7a1616101").toString(), "the self-described CBOR tag is transparent");
        assertEquals("{\"1\":\"x\",\"-2\":true}", decoded("a2016178 21f5").toString(), "integer keys as text");
        assertEquals("2013-03-21T20:04:00Z", decoded("c074323031332d30332d32315432303a30343a30305a").asText(), "tag 0");
    }

    @Test
    void valuesJsonCannotHoldBecomeStrings() {
        assertEquals("NaN", decoded("f97e00").asText());
        assertEquals("Infinity", decoded("f97c00").asText());
        assertEquals("-Infinity", decoded("f9fc00").asText());
    }

    @Test
    void documentsFromAGenerator() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = (CBORGenerator) new ObjectMapper(new CBORFactory()).createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("task_guid", "t-1");
            g.writeStringField("state", "RUNNING");
            g.writeNumberField("cpu_weight", 50);
            g.writeArrayFieldStart("ports");
            g.writeNumber(8080);
            g.writeNumber(9090);
            g.writeEndArray();
            g.writeEndObject();
        }
        DecodeResult r = cbor.decode(out.toByteArray());
        assertEquals("RUNNING", r.document().at("/state").asText());
        assertEquals(9090, r.document().at("/ports/1").asInt());
    }

    @Test
    void malformedItemsAreUndecodable() {
        assertFailure(DecodeFailure.UNDECODABLE, "empty value", cbor.decode(new byte[0]));
        assertFailure(DecodeFailure.UNDECODABLE, "not CBOR", cbor.decode(HexFormat.of().parseHex("a2616101616282")));
        assertFailure(DecodeFailure.UNDECODABLE, "bytes left after", cbor.decode(HexFormat.of().parseHex("0102")));
        assertFailure(DecodeFailure.UNDECODABLE, "not CBOR", cbor.decode(HexFormat.of().parseHex("ff")));
        assertFailure(DecodeFailure.UNDECODABLE, "not CBOR", cbor.decode("{\"a\":1}".getBytes()));
    }
}
