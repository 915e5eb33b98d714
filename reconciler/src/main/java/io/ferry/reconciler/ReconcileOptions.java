package io.ferry.reconciler;

import io.ferry.core.PageSizing;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * What to compare and how.
 *
 * @param revision the etcd revision R to compare at; empty for etcd's current revision
 * @param watermarkTimeout how long to wait for the sink's watermark to reach R on every partition;
 *     zero to compare without waiting (the report then says the sink may be behind)
 * @param pageKeys most keys per etcd page (and per SQL range hash)
 * @param pageBytes byte target per etcd page
 * @param leafKeys ranges at most this large are compared row by row instead of bisected further
 */
public record ReconcileOptions(OptionalLong revision, Duration watermarkTimeout, int pageKeys, long pageBytes,
                               int leafKeys) {

    public static ReconcileOptions defaults() {
        return new ReconcileOptions(OptionalLong.empty(), Duration.ofSeconds(60), PageSizing.DEFAULT_PAGE_KEYS, 4L << 20,
                64);
    }

    public ReconcileOptions atRevision(long r) {
        return new ReconcileOptions(OptionalLong.of(r), watermarkTimeout, pageKeys, pageBytes, leafKeys);
    }

    public ReconcileOptions withWatermarkTimeout(Duration d) {
        return new ReconcileOptions(revision, d, pageKeys, pageBytes, leafKeys);
    }

    public ReconcileOptions withPageKeys(int keys) {
        return new ReconcileOptions(revision, watermarkTimeout, keys, pageBytes, leafKeys);
    }
}
