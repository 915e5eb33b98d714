package io.ferry.core.event;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Byte helpers shared by the codec and by error messages. */
public final class Bytes {

    private static final int PRINTABLE_LIMIT = 120;

    private Bytes() {
    }

    /**
     * Decodes strictly as UTF-8 or returns null. Malformed input, overlong forms and encoded
     * surrogates are all rejected, so a string that comes back re-encodes to the same bytes.
     */
    public static String strictUtf8OrNull(byte[] bytes) {
        if (isAscii(bytes)) {
            // ASCII is valid UTF-8 that decodes byte for byte. Most etcd keys and values are
            // ASCII, and this is called for every key and value encoded: skip building a decoder.
            return new String(bytes, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Whether {@link #strictUtf8OrNull} would return a string, without building one for ASCII. */
    public static boolean isStrictUtf8(byte[] bytes) {
        return isAscii(bytes) || strictUtf8OrNull(bytes) != null;
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A form of the bytes that is safe in a log line or an error message: the text when it is
     * printable UTF-8, otherwise {@code hex:...}; long keys are cut with their length noted.
     */
    public static String printable(byte[] bytes) {
        String text = strictUtf8OrNull(bytes);
        boolean printable = text != null && text.codePoints().noneMatch(c -> Character.isISOControl(c));
        String shown = printable ? text : "hex:" + HexFormat.of().formatHex(bytes);
        if (shown.length() > PRINTABLE_LIMIT) {
            shown = shown.substring(0, PRINTABLE_LIMIT) + "...(" + bytes.length + " bytes)";
        }
        return printable ? "'" + shown + "'" : shown;
    }
}
