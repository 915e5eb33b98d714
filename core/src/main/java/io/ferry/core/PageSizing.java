package io.ferry.core;

/**
 * How many keys to ask etcd for in one paged range read, shared by the watcher's snapshot and the
 * reconciler.
 *
 * <p>Pages are large because etcd up to 3.4 visits every key from a paged request's start to its
 * range end before it applies the limit (etcd issue 11057, fixed in 3.5): reading N keys in pages
 * of P keys costs about N * N / (2 * P) index visits, so with 1,000-key pages a 1M-key read spent
 * most of its time in them. A byte target bounds each page instead; the first page of a range is
 * small, because until one page has come back nothing is known of the values' size, and etcd
 * values may be as large as 1.5 MiB.
 */
public final class PageSizing {

    /** Keys per page unless configured otherwise. */
    public static final int DEFAULT_PAGE_KEYS = 10_000;

    /** Keys of the first page of a range, before the values' size is known. */
    static final int FIRST_PAGE_KEYS = 100;

    private PageSizing() {
    }

    /** The limit of a range's first request. */
    public static int first(int maxKeys) {
        return Math.min(maxKeys, FIRST_PAGE_KEYS);
    }

    /**
     * The limit of the next request, after a page of {@code keys} key-values that held {@code bytes}
     * bytes of keys and values: about {@code targetBytes} at that average size, at most
     * {@code maxKeys}, at least one.
     */
    public static int next(int maxKeys, long targetBytes, int keys, long bytes) {
        long perKey = Math.max(1, bytes / Math.max(1, keys));
        return (int) Math.max(1, Math.min(maxKeys, targetBytes / perKey));
    }
}
