package io.ferry.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyRangesTest {

    @Test
    void prefixEndIncrementsTheLastByteBelowFf() {
        assertArrayEquals(b("/v2"), KeyRanges.prefixEnd(b("/v1")));
        assertArrayEquals(new byte[] {'a', 'c'}, KeyRanges.prefixEnd(new byte[] {'a', 'b', (byte) 0xFF}));
        assertArrayEquals(KeyRanges.ALL_KEYS_END, KeyRanges.prefixEnd(new byte[] {(byte) 0xFF, (byte) 0xFF}));
        assertArrayEquals(KeyRanges.ALL_KEYS_END, KeyRanges.prefixEnd(new byte[0]));
    }

    @Test
    void orderIsUnsignedBytesNotJavaSignedBytes() {
        assertTrue(KeyRanges.compare(new byte[] {(byte) 0x80}, new byte[] {0x7F}) > 0);
        assertTrue(KeyRanges.compare(b("/a"), b("/a\0")) < 0);
        assertTrue(KeyRanges.inRange(b("/v1/x"), b("/v1/"), KeyRanges.prefixEnd(b("/v1/"))));
        assertFalse(KeyRanges.inRange(b("/v10"), b("/v1/"), KeyRanges.prefixEnd(b("/v1/"))));
        assertTrue(KeyRanges.inRange(new byte[] {(byte) 0xFF}, new byte[0], KeyRanges.ALL_KEYS_END));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
