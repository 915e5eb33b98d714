package io.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PageSizingTest {

    private static final long FOUR_MIB = 4L << 20;

    @Test
    void theFirstPageIsSmallUntilTheValuesSizeIsKnown() {
        assertEquals(100, PageSizing.first(PageSizing.DEFAULT_PAGE_KEYS));
        assertEquals(20, PageSizing.first(20));
    }

    @Test
    void laterPagesAimAtTheByteTargetWithinTheKeyLimit() {
        // 256 B values: the key limit binds (10,000 x 300 B is under 4 MiB).
        assertEquals(10_000, PageSizing.next(10_000, FOUR_MIB, 100, 100 * 300L));
        // 1 KiB values: the byte target binds.
        assertEquals(4044, PageSizing.next(10_000, FOUR_MIB, 100, 100 * 1037L));
        // 1.5 MiB values: two a page, never none.
        assertEquals(2, PageSizing.next(10_000, FOUR_MIB, 2, 2L * 1536 * 1024));
        assertEquals(1, PageSizing.next(10_000, 1024, 1, 1_000_000));
        // An empty page (every key deleted at the revision) keeps the limit finite and positive.
        assertEquals(10_000, PageSizing.next(10_000, FOUR_MIB, 0, 0));
    }
}
