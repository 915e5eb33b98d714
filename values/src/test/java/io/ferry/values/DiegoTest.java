package io.ferry.values;

import static io.ferry.values.BbsValues.JSON;
import static io.ferry.values.BbsValues.PROTO;
import static io.ferry.values.BbsValues.ascii;
import static io.ferry.values.BbsValues.base64;
import static io.ferry.values.BbsValues.encrypted;
import static io.ferry.values.BbsValues.envelope;
import static io.ferry.values.BbsValues.nonce;
import static io.ferry.values.BbsValues.unencoded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import io.ferry.values.testproto.DesiredLRP;
import io.ferry.values.testproto.ModificationTag;
import io.ferry.values.testproto.Placement;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Diego BBS values in each of the BBS's encodings and envelopes, with and without their keys. */
class DiegoTest {

    private static final Map<String, String> ENV = Map.of("BBS_KEY_2024", "passphrase of 2024", "BBS_KEY_2023",
            "passphrase of 2023");
    private static final String KEYS = "{keys: {key-2024: {env: BBS_KEY_2024}, key-2023: {env: BBS_KEY_2023}}}";

    private final ValueDecoder diegoProto = Chains.of("[{diego: " + KEYS + "}, " + Chains.protobuf("") + "]", ENV);
    private final ValueDecoder diegoJson = Chains.of("[{diego: " + KEYS + "}]", ENV);
    private final ValueDecoder noKeys = Chains.of("[diego, " + Chains.protobuf("") + "]");

    static DesiredLRP lrp() {
        return DesiredLRP.newBuilder()
                .setProcessGuid("pg-1").setDomain("cf-apps").setInstances(3).setRootFs("cflinuxfs4")
                .setMemoryMb(256).setDiskBytes(5_000_000_000L).putRoutes("http", "app.example.com")
                .addTags("web").setModificationTag(ModificationTag.newBuilder().setEpoch("e-1").setIndex(7))
                .setCreatedAt(Timestamp.newBuilder().setSeconds(1_714_557_600L).setNanos(500_000_000))
                .setPlacement(Placement.PLACEMENT_ISOLATED)
                .build();
    }

    private static void assertLrp(DecodeResult r) {
        assertTrue(r.ok(), r::toString);
        JsonNode d = r.document();
        assertEquals("pg-1", d.at("/process_guid").asText());
        assertEquals("cf-apps", d.at("/domain").asText());
        assertEquals(3, d.at("/instances").asInt());
        assertEquals("5000000000", d.at("/disk_bytes").asText(), "int64 as a string, protobuf's JSON mapping");
        assertEquals("app.example.com", d.at("/routes/http").asText());
        assertEquals("web", d.at("/tags/0").asText());
        assertEquals(7, d.at("/modification_tag/index").asInt());
        assertEquals("2024-05-01T10:00:00.500Z", d.at("/created_at").asText());
        assertEquals("PLACEMENT_ISOLATED", d.at("/placement").asText());
        assertFalse(d.at("/privileged").asBoolean(true), "a field at its default is there, as false");
    }

    @Test
    void protobufInEachEncoding() throws Exception {
        byte[] model = envelope(PROTO, 0, lrp().toByteArray());
        assertLrp(diegoProto.decode(unencoded(model)));
        assertLrp(diegoProto.decode(base64(model)));
        assertLrp(diegoProto.decode(encrypted(model, "key-2024", "passphrase of 2024", nonce(1))));
        // Rotation: a value sealed under the earlier key still opens.
        assertLrp(diegoProto.decode(encrypted(model, "key-2023", "passphrase of 2023", nonce(2))));
        // The oldest BBS wrote the envelope with no encoding prefix at all.
        assertLrp(diegoProto.decode(model));
        assertLrp(noKeys.decode(base64(model)));
    }

    @Test
    void jsonInEachEnvelope() throws Exception {
        byte[] json = "{\"process_guid\":\"pg-2\",\"instances\":2}".getBytes(StandardCharsets.UTF_8);
        for (byte[] value : new byte[][] {json, unencoded(envelope(JSON, 0, json)), base64(envelope(JSON, 1, json)),
                encrypted(envelope(JSON, 2, json), "key-2024", "passphrase of 2024", nonce(3)), unencoded(json)}) {
            DecodeResult plain = diegoJson.decode(value);
            assertTrue(plain.ok(), plain::toString);
            assertEquals("pg-2", plain.document().at("/process_guid").asText());
            // A chain for the protobuf model reads an old JSON record of it too.
            DecodeResult viaProto = diegoProto.decode(value);
            assertTrue(viaProto.ok(), viaProto::toString);
            assertEquals(2, viaProto.document().at("/instances").asInt());
        }
    }

    @Test
    void encryptedWithoutItsKey() throws Exception {
        byte[] sealed = encrypted(envelope(PROTO, 0, lrp().toByteArray()), "key-2022", "passphrase of 2022", nonce(4));
        DecodeResult r = diegoProto.decode(sealed);
        assertEquals(DecodeFailure.ENCRYPTED_NO_KEY, r.failure(), r::toString);
        assertTrue(r.reason().contains("'key-2022'") && r.reason().contains("key-2023, key-2024"), r.reason());

        DecodeResult none = noKeys.decode(sealed);
        assertEquals(DecodeFailure.ENCRYPTED_NO_KEY, none.failure(), none::toString);
        assertTrue(none.reason().contains("no key ring"), none.reason());
    }

    @Test
    void encryptedWithAnotherKeyUnderTheSameLabel() throws Exception {
        byte[] sealed = encrypted(envelope(PROTO, 0, lrp().toByteArray()), "key-2024", "not the passphrase", nonce(5));
        DecodeResult r = diegoProto.decode(sealed);
        assertEquals(DecodeFailure.DECRYPTION_FAILED, r.failure(), r::toString);
        assertTrue(r.reason().contains("'key-2024' does not open"), r.reason());
        assertFalse(r.reason().contains("passphrase"), "no key in a reason: " + r.reason());
    }

    @Test
    void alteredCiphertextIsRefused() throws Exception {
        byte[] sealed = encrypted(envelope(PROTO, 0, lrp().toByteArray()), "key-2024", "passphrase of 2024", nonce(6));
        byte[] blob = java.util.Base64.getDecoder().decode(new String(sealed, 2, sealed.length - 2, StandardCharsets.US_ASCII));
        blob[blob.length - 20] ^= 1;
        byte[] altered = BbsValues.concat(ascii("02"), ascii(java.util.Base64.getEncoder().encodeToString(blob)));
        assertEquals(DecodeFailure.DECRYPTION_FAILED, diegoProto.decode(altered).failure());
    }

    @Test
    void truncatedAndUnknownFraming() throws Exception {
        byte[] sealed = encrypted(envelope(PROTO, 0, lrp().toByteArray()), "key-2024", "passphrase of 2024", nonce(7));
        byte[] blob = java.util.Base64.getDecoder().decode(new String(sealed, 2, sealed.length - 2, StandardCharsets.US_ASCII));
        byte[] shortBlob = BbsValues.concat(ascii("02"), ascii(java.util.Base64.getEncoder().encodeToString(
                java.util.Arrays.copyOf(blob, 20))));
        assertFailure(DecodeFailure.UNDECODABLE, "truncated", diegoProto.decode(shortBlob));
        assertFailure(DecodeFailure.UNDECODABLE, "unknown encoding '03", diegoProto.decode(ascii("03abc")));
        assertFailure(DecodeFailure.UNDECODABLE, "unknown encoding '99", diegoProto.decode(ascii("99some-payload")));
        assertFailure(DecodeFailure.UNDECODABLE, "not base64", diegoProto.decode(ascii("01***")));
        assertFailure(DecodeFailure.UNDECODABLE, "version 9", diegoProto.decode(unencoded(envelope(PROTO, 9, new byte[] {8, 1}))));
        assertFailure(DecodeFailure.UNDECODABLE, "empty value", diegoProto.decode(new byte[0]));
        assertFailure(DecodeFailure.UNDECODABLE, "not a ferry.test.diego.DesiredLRP",
                diegoProto.decode(unencoded(envelope(PROTO, 0, java.util.Arrays.copyOf(lrp().toByteArray(), 9)))));
    }

    @Test
    void protobufModelWithoutAProtobufDecoderIsTheWrongType() {
        DecodeResult r = diegoJson.decode(unencoded(envelope(PROTO, 0, lrp().toByteArray())));
        assertFailure(DecodeFailure.WRONG_TYPE, "format 2", r);
    }

    @Test
    void describesTheChainWithoutItsKeys() {
        String d = diegoProto.describe();
        assertTrue(d.startsWith("diego(keys: key-2023, key-2024) | protobuf(ferry.test.diego.DesiredLRP from "), d);
        assertFalse(d.contains("passphrase"), d);
    }

    static void assertFailure(DecodeFailure expected, String inReason, DecodeResult r) {
        assertEquals(expected, r.failure(), r::toString);
        assertTrue(r.reason().contains(inReason), () -> "'" + inReason + "' not in: " + r.reason());
    }
}
