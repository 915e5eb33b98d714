package io.ferry.bench;

import java.util.Arrays;

/** A growable array of longs with a hard cap, so a long run cannot exhaust the heap. */
final class LongList {

    private final int cap;
    private long[] values = new long[1024];
    private int size;

    LongList(int cap) {
        this.cap = cap;
    }

    /** Adds, or drops the value silently once the cap is reached (callers report {@link #size()}). */
    void add(long v) {
        if (size == cap) {
            return;
        }
        if (size == values.length) {
            values = Arrays.copyOf(values, Math.min(cap, values.length * 2));
        }
        values[size++] = v;
    }

    int size() {
        return size;
    }

    long get(int i) {
        return values[i];
    }
}
