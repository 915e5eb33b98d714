package io.ferry.values;

import static io.ferry.values.DiegoTest.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON decoder, and the steps that take off or transform bytes before a decoder. */
class JsonAndStepsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jsonIsOneDocumentWithNothingAfterIt() {
        ValueDecoder json = ValueDecoder.json();
        assertEquals("running", json.decode(utf8(" {\"state\":\"running\"}\n")).document().at("/state").asText());
        assertEquals(42, json.decode(utf8("42")).document().asInt(), "any JSON value is a document");
        assertFailure(DecodeFailure.UNDECODABLE, "not JSON", json.decode(utf8("{\"a\":1} trailing")));
        assertFailure(DecodeFailure.UNDECODABLE, "not JSON at byte", json.decode(utf8("{\"a\":")));
        assertFailure(DecodeFailure.UNDECODABLE, "empty value", json.decode(new byte[0]));
        assertFailure(DecodeFailure.UNDECODABLE, "only white space", json.decode(utf8("  \n")));
        assertFailure(DecodeFailure.UNDECODABLE, "not JSON", json.decode(new byte[] {(byte) 0xff, (byte) 0xfe, 0}));
        assertFailure(DecodeFailure.UNDECODABLE, "no value", json.decode(null));
        assertEquals(ValueDecoder.json(), Chains.of("[]"), "an empty chain is JSON");
    }

    @Test
    void stripTakesOffTextOrMagicBytes() {
        ValueDecoder text = Chains.of("[{strip: \"ferry:\"}]");
        assertEquals(1, text.decode(utf8("ferry:{\"a\":1}")).document().at("/a").asInt());
        assertFailure(DecodeFailure.UNDECODABLE, "does not start with 'ferry:' (it starts with '{\"a\":1}')",
                text.decode(utf8("{\"a\":1}")));

        ValueDecoder nul = Chains.of("[{strip: \"x\\0\"}]");
        assertEquals(2, nul.decode(utf8("x\0{\"a\":2}")).document().at("/a").asInt(), "a YAML escape for NUL works");

        ValueDecoder magic = Chains.of("[{strip: {hex: \"ca fe\"}}, cbor]");
        assertEquals(3, magic.decode(new byte[] {(byte) 0xca, (byte) 0xfe, 0x03}).document().asInt());
        assertFailure(DecodeFailure.UNDECODABLE, "does not start with '\\xca\\xfe'", magic.decode(new byte[] {0x03}));

        ValueDecoder optional = Chains.of("[{strip: {text: \"v2:\", optional: true}}]");
        assertEquals(4, optional.decode(utf8("v2:4")).document().asInt());
        assertEquals(5, optional.decode(utf8("5")).document().asInt(), "without the prefix, read as it is");
    }

    @Test
    void base64InBothAlphabets() {
        byte[] json = utf8("{\"k\":\"??>>\"}");
        ValueDecoder std = Chains.of("[base64, json]");
        ValueDecoder url = Chains.of("[base64url]");
        assertEquals("??>>", std.decode(utf8(Base64.getEncoder().encodeToString(json))).document().at("/k").asText());
        assertEquals("??>>", url.decode(utf8(Base64.getUrlEncoder().withoutPadding().encodeToString(json)))
                .document().at("/k").asText());
        assertFailure(DecodeFailure.UNDECODABLE, "base64: not base64", std.decode(utf8("not base64!")));
        assertFailure(DecodeFailure.UNDECODABLE, "base64url: not base64", url.decode(utf8(Base64.getEncoder()
                .encodeToString(new byte[] {(byte) 0xfb, (byte) 0xff}))));
    }

    @Test
    void decryptOpensABbsBlobWithoutTheBbsFraming() throws Exception {
        // [strip, base64, decrypt] spells out by hand what the diego step does for encoding 02.
        ValueDecoder d = Chains.of("[{strip: \"02\"}, base64, {decrypt: {keys: {k1: {env: K1}}}}, json]",
                Map.of("K1", "one passphrase"));
        byte[] sealed = BbsValues.encrypted(utf8("{\"a\":9}"), "k1", "one passphrase", BbsValues.nonce(9));
        assertEquals(9, d.decode(sealed).document().at("/a").asInt());
        DecodeResult wrong = d.decode(BbsValues.encrypted(utf8("{\"a\":9}"), "k1", "another", BbsValues.nonce(9)));
        assertEquals(DecodeFailure.DECRYPTION_FAILED, wrong.failure());
        assertTrue(wrong.reason().startsWith("decrypt: "), wrong.reason());
    }

    @Test
    void failureReasonsNeverQuoteDecryptedBytes() throws Exception {
        ValueDecoder d = Chains.of("[{decrypt: {keys: {k1: {env: K1}}}}]", Map.of("K1", "one passphrase"));
        byte[] sealed = BbsValues.encrypted(utf8("secret-token-123 is not JSON"), "k1", "one passphrase", BbsValues.nonce(1));
        byte[] blob = Base64.getDecoder().decode(new String(sealed, 2, sealed.length - 2, StandardCharsets.US_ASCII));
        DecodeResult r = d.decode(blob);
        assertEquals(DecodeFailure.UNDECODABLE, r.failure());
        assertTrue(!r.reason().contains("secret"), r.reason());
    }
}
