package io.ferry.reconciler;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.ferry.core.KeyRanges;
import io.ferry.core.mapped.MappedTable;
import io.ferry.reconciler.etcd.EtcdPage;
import io.ferry.reconciler.etcd.EtcdPager;
import io.ferry.reconciler.mapped.MappedTableComparer;
import io.ferry.reconciler.mapped.MappedTally;
import io.ferry.reconciler.sql.SqlTable;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that SQL equals etcd at a revision R, or lists every key where it does not.
 *
 * <p>etcd is read at R page by page in key order (etcd cannot hash a range, so its side is always
 * a full read); for each page the database hashes the same key range, and only ranges whose
 * hashes differ are bisected and compared row by row. Memory is bounded by two pages plus the rows
 * found in flight; differences are spilled to disk.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final KV kv;
    private final SqlTable sql;
    private final ProgressListener progress;
    private final List<MappedTable> mapped;

    public Reconciler(KV kv, SqlTable sql, ProgressListener progress) {
        this(kv, sql, progress, List.of());
    }

    /** @param mapped the mapped tables to check as well ({@code sink.mappings}), each against its own projection */
    public Reconciler(KV kv, SqlTable sql, ProgressListener progress, List<MappedTable> mapped) {
        this.kv = kv;
        this.sql = sql;
        this.progress = progress;
        this.mapped = List.copyOf(mapped);
    }

    public ReconcileReport reconcile(List<String> prefixes, ReconcileOptions options) {
        Instant started = Instant.now();
        long revision = options.revision().orElseGet(() -> currentRevision(prefixes));
        try {
            Map<Integer, Long> marks = options.watermarkTimeout().isZero() ? sql.watermarks()
                    : WatermarkGate.await(sql, revision, options.watermarkTimeout());
            List<String> roots = distinctRoots(prefixes);
            long total = 0;
            for (String p : roots) {
                total += count(p, revision);
            }
            LOG.info("Reconciling {} keys under {} at revision {}", total, roots, revision);
            DifferenceLog log = new DifferenceLog();
            List<Row> ahead = new ArrayList<>();
            RangeComparer comparer = new RangeComparer(sql, revision, options.leafKeys(), log, ahead);
            long[] tally = new long[4]; // keys, sql rows, pages, clean pages
            for (String prefix : roots) {
                compareRange(prefix, revision, options, comparer, log, tally, total);
            }
            long inFlight = new AheadCheck(kv, sql, revision).resolve(ahead, log);
            List<MappedTally> mappedTallies = compareMapped(roots, revision, options, log);
            Duration took = Duration.between(started, Instant.now());
            LOG.info("Compared {} keys in {} pages ({} clean at first hash, {} SQL hash queries) in {} ms: {} differences",
                    tally[0], tally[2], tally[3], comparer.sqlHashQueries(), took.toMillis(), log.total());
            return new ReconcileReport(revision, roots, started, took, tally[0], tally[1], tally[2], tally[3], inFlight,
                    WatermarkGate.min(marks), marks, log, mappedTallies);
        } catch (SQLException e) {
            throw new ReconcileException("reading the SQL side failed: " + e.getMessage()
                    + ". Check that the database is up and that the sink has created its tables.", e);
        }
    }

    private void compareRange(String prefix, long revision, ReconcileOptions options, RangeComparer comparer,
                              DifferenceLog log, long[] tally, long total) throws SQLException {
        byte[] from = prefix.getBytes(StandardCharsets.UTF_8);
        EtcdPager pager = new EtcdPager(kv, revision, from, KeyRanges.prefixEnd(from), options.pageKeys(),
                options.pageBytes());
        for (EtcdPage page = pager.nextPage(); page != null; page = pager.nextPage()) {
            boolean clean = comparer.compare(page);
            tally[0] += page.rows().size();
            tally[2]++;
            tally[3] += clean ? 1 : 0;
            progress.progress(tally[0], total, log.total());
        }
        tally[1] += sql.hash(from, KeyRanges.prefixEnd(from)).rows();
    }

    private List<MappedTally> compareMapped(List<String> roots, long revision, ReconcileOptions options, DifferenceLog log)
            throws SQLException {
        List<MappedTally> tallies = new ArrayList<>();
        MappedTableComparer comparer = new MappedTableComparer(kv, revision, options.pageKeys(), options.pageBytes(), log);
        for (MappedTable t : mapped) {
            MappedTally tally = comparer.compare(t, reconciledParts(t.prefix(), roots));
            LOG.info("Checked mapped table {}: {} etcd keys, {} project to a row, {} rows in SQL ({} written after R and {} "
                    + "that do not decode here not judged)", t.table(), tally.etcdKeys(), tally.projected(), tally.sqlRows(),
                    tally.notJudged(), tally.undecodableHere());
            tallies.add(tally);
        }
        return tallies;
    }

    /**
     * The key ranges of a mapping's prefix that are reconciled: the whole prefix where a root covers it, each root it
     * covers where it is wider, nothing where it lies outside every root (the watcher copies nothing there).
     */
    static List<byte[][]> reconciledParts(byte[] mappingPrefix, List<String> roots) {
        String mapping = new String(mappingPrefix, StandardCharsets.UTF_8);
        List<byte[][]> parts = new ArrayList<>();
        for (String root : roots) {
            String part = mapping.startsWith(root) ? mapping : root.startsWith(mapping) ? root : null;
            if (part != null) {
                byte[] from = part.getBytes(StandardCharsets.UTF_8);
                parts.add(new byte[][] {from, KeyRanges.prefixEnd(from)});
                if (part.equals(mapping)) {
                    break;
                }
            }
        }
        return parts;
    }

    /**
     * etcd's current revision, from the header of a count-only read of the first prefix's own key: a
     * key a user limited to the prefixes may read (any key would do for the revision).
     */
    public long currentRevision(List<String> prefixes) {
        return get(ByteSequence.from(prefixes.get(0).getBytes(StandardCharsets.UTF_8)),
                GetOption.builder().withCountOnly(true).build()).getHeader().getRevision();
    }

    private long count(String prefix, long revision) {
        byte[] from = prefix.getBytes(StandardCharsets.UTF_8);
        return get(ByteSequence.from(from), GetOption.builder().withRange(ByteSequence.from(KeyRanges.prefixEnd(from)))
                .withRevision(revision).withCountOnly(true).build()).getCount();
    }

    private GetResponse get(ByteSequence key, GetOption option) {
        return io.ferry.reconciler.etcd.EtcdReads.read("reading etcd", () -> kv.get(key, option));
    }

    /** Drops prefixes that another configured prefix already covers, so no key is compared twice. */
    public static List<String> distinctRoots(List<String> prefixes) {
        List<String> sorted = new ArrayList<>(prefixes);
        sorted.sort(null);
        List<String> roots = new ArrayList<>();
        for (String p : sorted) {
            Optional<String> covering = roots.stream().filter(p::startsWith).findAny();
            if (covering.isEmpty()) {
                roots.add(p);
            }
        }
        return roots;
    }
}
