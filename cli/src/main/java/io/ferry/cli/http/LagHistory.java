package io.ferry.cli.http;

import java.util.ArrayDeque;
import java.util.Deque;

/** The last few minutes of replication lag, sampled once a second, for the status page's chart. */
final class LagHistory {

    static final int CAPACITY = 600;

    private final Deque<long[]> samples = new ArrayDeque<>(CAPACITY);

    synchronized void add(long epochMillis, long lag) {
        if (samples.size() == CAPACITY) {
            samples.removeFirst();
        }
        samples.addLast(new long[] {epochMillis, lag});
    }

    /** JSON array of [ts_ms, lag] pairs, oldest first. */
    synchronized String json() {
        StringBuilder sb = new StringBuilder("[");
        for (long[] s : samples) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('[').append(s[0]).append(',').append(s[1]).append(']');
        }
        return sb.append(']').toString();
    }
}
