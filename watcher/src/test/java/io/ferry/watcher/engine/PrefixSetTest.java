package io.ferry.watcher.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.KeyRanges;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixSetTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void dropsPrefixesThatAnotherCoversAndSortsTheRest() {
        PrefixSet set = PrefixSet.of(List.of("/v1/task/", "/v1/", "/a/"));
        assertEquals(2, set.ranges().size());
        assertArrayEquals(b("/a/"), set.ranges().get(0).start());
        assertArrayEquals(b("/v1/"), set.ranges().get(1).start());
        assertArrayEquals(b("/v10"), set.ranges().get(1).end());
    }

    @Test
    void containsOnlyKeysUnderAPrefix() {
        PrefixSet set = PrefixSet.of(List.of("/a/", "/c/"));
        assertTrue(set.contains(b("/a/x")));
        assertTrue(set.contains(b("/c/")));
        assertFalse(set.contains(b("/b/x")));
        assertFalse(set.contains(b("/a")));
    }

    @Test
    void watchSpanCoversEveryPrefixAndAnUnboundedEndWins() {
        PrefixSet set = PrefixSet.of(List.of("/c/", "/a/"));
        assertArrayEquals(b("/a/"), set.watchSpan().start());
        assertArrayEquals(b("/c0"), set.watchSpan().end());
        PrefixSet all = PrefixSet.of(List.of("/a/", "\u00ff"));
        assertArrayEquals(KeyRanges.prefixEnd(new byte[] {(byte) 0xc3, (byte) 0xbf}), all.watchSpan().end());
        PrefixSet everything = PrefixSet.of(List.of(""));
        assertArrayEquals(KeyRanges.ALL_KEYS_END, everything.watchSpan().end());
        assertTrue(everything.contains(new byte[] {0, (byte) 0xff}));
    }
}
