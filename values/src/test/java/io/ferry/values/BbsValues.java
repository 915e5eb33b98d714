package io.ferry.values;

/**
 * The tests' writer of Diego BBS values: {@link BbsWriter}, under the names the tests use. Public for the sink's
 * mapped-table tests, which get it through this module's test-jar.
 */
public final class BbsValues {

    public static final int LEGACY_JSON = BbsWriter.LEGACY_JSON;
    public static final int JSON = BbsWriter.JSON;
    public static final int PROTO = BbsWriter.PROTO;

    private BbsValues() {
    }

    public static byte[] envelope(int format, int version, byte[] model) {
        return BbsWriter.envelope(format, version, model);
    }

    public static byte[] unencoded(byte[] payload) {
        return BbsWriter.unencoded(payload);
    }

    public static byte[] base64(byte[] payload) {
        return BbsWriter.base64(payload);
    }

    public static byte[] encrypted(byte[] payload, String label, String passphrase, byte[] nonce) {
        return BbsWriter.sealed(payload, label, passphrase, nonce);
    }

    public static byte[] nonce(int seed) {
        return BbsWriter.nonce(seed);
    }

    public static byte[] ascii(String s) {
        return BbsWriter.ascii(s);
    }

    public static byte[] concat(byte[] a, byte[] b) {
        return BbsWriter.concat(a, b);
    }
}
