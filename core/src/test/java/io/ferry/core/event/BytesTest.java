package io.ferry.core.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BytesTest {

    @Test
    void printableShowsTextQuotedAndBinaryAsHex() {
        assertEquals("'/v1/task/a'", Bytes.printable("/v1/task/a".getBytes(StandardCharsets.UTF_8)));
        assertEquals("hex:2f00ff", Bytes.printable(new byte[] {'/', 0, (byte) 0xFF}));
        assertEquals("hex:2f0061", Bytes.printable(new byte[] {'/', 0, 'a'}), "control characters never reach a log raw");
    }

    @Test
    void printableCutsLongKeysAndSaysHowLongTheyWere() {
        String shown = Bytes.printable("k".repeat(5000).getBytes(StandardCharsets.UTF_8));
        assertTrue(shown.endsWith("...(5000 bytes)'"), shown);
    }

    @Test
    void strictUtf8RejectsWhatWouldNotRoundTrip() {
        assertNull(Bytes.strictUtf8OrNull(new byte[] {(byte) 0xC0, (byte) 0x80}));
        assertNull(Bytes.strictUtf8OrNull(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        assertEquals("a\0b", Bytes.strictUtf8OrNull(new byte[] {'a', 0, 'b'}));
    }

    @Test
    void everyAsciiByteAndMixedTextRoundTrip() {
        byte[] ascii = new byte[128];
        for (int i = 0; i < ascii.length; i++) {
            ascii[i] = (byte) i;
        }
        assertArrayEquals(ascii, Bytes.strictUtf8OrNull(ascii).getBytes(StandardCharsets.UTF_8));
        assertEquals("", Bytes.strictUtf8OrNull(new byte[0]));
        byte[] mixed = "k\u00e9y-\u20ac-\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
        assertEquals("k\u00e9y-\u20ac-\uD83D\uDE00", Bytes.strictUtf8OrNull(mixed));
    }
}
