package io.ferry.values.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Durations as Go's time.Duration.String() prints them (the examples of its documentation and tests). */
class GoDurationTest {

    @Test
    void formatsAsGoDoes() {
        assertEquals("0s", GoDuration.format(0));
        assertEquals("1ns", GoDuration.format(1));
        assertEquals("1.1µs", GoDuration.format(1100));
        assertEquals("2.2ms", GoDuration.format(2_200_000));
        assertEquals("3.3s", GoDuration.format(3_300_000_000L));
        assertEquals("4m5s", GoDuration.format(245_000_000_000L));
        assertEquals("4m5.001s", GoDuration.format(245_001_000_000L));
        assertEquals("5h6m7.001s", GoDuration.format(18_367_001_000_000L));
        assertEquals("1h0m0s", GoDuration.format(3_600_000_000_000L));
        assertEquals("-1.5s", GoDuration.format(-1_500_000_000L));
        assertEquals("2562047h47m16.854775807s", GoDuration.format(Long.MAX_VALUE));
        assertEquals("-2562047h47m16.854775808s", GoDuration.format(Long.MIN_VALUE));
    }
}
