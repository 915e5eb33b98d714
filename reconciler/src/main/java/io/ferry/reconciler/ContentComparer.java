package io.ferry.reconciler;

import io.etcd.jetcd.KV;
import io.ferry.core.KeyRanges;
import io.ferry.core.PageSizing;
import io.ferry.reconciler.etcd.EtcdPage;
import io.ferry.reconciler.etcd.EtcdPager;
import io.ferry.reconciler.sql.SqlTable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Compares keys and values only, row by row, of etcd at a revision and the SQL table. This is the
 * check before a rollback: after the switch applications wrote SQL, so its revision columns are
 * theirs, not etcd's, and only the data can be compared; the rollback then brings the revision
 * columns in line and the full {@link Reconciler} applies again. Both sides stream in key order,
 * one etcd page and one SQL row at a time.
 */
public final class ContentComparer {

    /**
     * The outcome.
     *
     * @param etcdKeys keys etcd holds at the revision, under the prefixes
     * @param differences how many keys differ (missing from SQL, extra in SQL, or another value)
     * @param sample the first differences, as "kind key" lines
     */
    public record Result(long etcdKeys, long differences, List<String> sample) {

        public boolean clean() {
            return differences == 0;
        }
    }

    private static final int SAMPLE = 20;

    private final KV kv;
    private final SqlTable sql;
    private final Set<ByteBuffer> ignored = new HashSet<>();

    /** {@code ignoredKeys}: Ferry's own keys, whose etcd and SQL states differ by design. */
    public ContentComparer(KV kv, SqlTable sql, Collection<byte[]> ignoredKeys) {
        this.kv = kv;
        this.sql = sql;
        ignoredKeys.forEach(k -> ignored.add(ByteBuffer.wrap(k)));
    }

    public Result compare(List<String> prefixes, long revision) {
        long[] counts = new long[2];
        List<String> sample = new ArrayList<>();
        for (String root : Reconciler.distinctRoots(prefixes)) {
            byte[] from = root.getBytes(StandardCharsets.UTF_8);
            byte[] to = KeyRanges.prefixEnd(from);
            Iterator<Row> etcd = rows(new EtcdPager(kv, revision, from, to, PageSizing.DEFAULT_PAGE_KEYS, 4L << 20));
            Row[] pending = {next(etcd)};
            try {
                sql.rows(from, to, s -> {
                    while (pending[0] != null && KeyRanges.compare(pending[0].key(), s.key()) < 0) {
                        counts[0]++;
                        differ("missing in SQL", pending[0].key(), counts, sample);
                        pending[0] = next(etcd);
                    }
                    if (pending[0] != null && KeyRanges.compare(pending[0].key(), s.key()) == 0) {
                        if (!java.util.Arrays.equals(pending[0].value(), s.value())) {
                            differ("other value in SQL", s.key(), counts, sample);
                        }
                        counts[0]++;
                        pending[0] = next(etcd);
                    } else {
                        differ("only in SQL", s.key(), counts, sample);
                    }
                });
            } catch (SQLException e) {
                throw new ReconcileException("reading the SQL table failed: " + e.getMessage(), e);
            }
            while (pending[0] != null) {
                counts[0]++;
                differ("missing in SQL", pending[0].key(), counts, sample);
                pending[0] = next(etcd);
            }
        }
        return new Result(counts[0], counts[1], sample);
    }

    private void differ(String kind, byte[] key, long[] counts, List<String> sample) {
        if (ignored.contains(ByteBuffer.wrap(key))) {
            return;
        }
        counts[1]++;
        if (sample.size() < SAMPLE) {
            sample.add(kind + " " + io.ferry.core.event.Bytes.printable(key));
        }
    }

    private Row next(Iterator<Row> it) {
        while (it.hasNext()) {
            Row r = it.next();
            if (!ignored.contains(ByteBuffer.wrap(r.key()))) {
                return r;
            }
        }
        return null;
    }

    /** etcd's rows of the range in key order, one page in memory at a time. */
    private static Iterator<Row> rows(EtcdPager pager) {
        return new Iterator<>() {
            private Iterator<Row> page = List.<Row>of().iterator();
            private boolean exhausted;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !exhausted) {
                    EtcdPage p = pager.nextPage();
                    if (p == null) {
                        exhausted = true;
                    } else {
                        page = p.rows().iterator();
                    }
                }
                return page.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return page.next();
            }
        };
    }
}
