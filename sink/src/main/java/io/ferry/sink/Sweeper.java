package io.ferry.sink;

import io.ferry.state.SweepTable;
import io.ferry.state.TombstonesTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Utils;

/**
 * The bookkeeping behind snapshot begin and end, for any epoch.
 *
 * <p>At {@code snapshot_begin(E, R)} on partition p, every row of p with
 * {@code mod_revision <= R} becomes a candidate in {@code ferry_sweep}. Each change of p read
 * during the snapshot takes its key off the list ({@link RowBuffer}). At
 * {@code snapshot_end(E, R)} the candidates left were not in etcd at R: they were deleted while
 * no watch could see it, so their rows are removed and tombstoned at R. Rows newer than R came
 * from later watch events and are never candidates. The list is written in the same transaction
 * as the offsets, so a crash between begin and end resumes with it intact. On an empty database
 * (a first snapshot) the list is empty and the snapshot costs nothing extra.
 *
 * <p>SQL cannot compute Kafka's partitioner, so rows are paged by key and their partition is
 * worked out here: murmur2 of the key, as the producer's default partitioner does.
 */
final class Sweeper {

    private static final int PAGE = 1000;

    private final SqlDialect dialect;
    private final SweepTable sweep;
    private final TombstonesTable tombstones;
    private final String table;
    private final List<TableMapping> mappings;

    Sweeper(SqlDialect dialect, String table, List<TableMapping> mappings) {
        this.dialect = dialect;
        this.sweep = new SweepTable(dialect.kind());
        this.tombstones = new TombstonesTable(dialect.kind());
        this.table = table;
        this.mappings = mappings;
    }

    static int partitionOf(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /** Records the candidates of {@code mark}'s partition; returns how many. */
    long begin(Connection c, SnapshotMark mark, int partitions) throws SQLException {
        sweep.clear(c, mark.partition());
        String k = dialect.quote("key");
        String page = "SELECT " + k + " FROM " + dialect.quote(table) + " WHERE " + k + " > ? AND "
                + dialect.quote("mod_revision") + " <= ? ORDER BY " + k + " LIMIT " + PAGE;
        long count = 0;
        byte[] after = new byte[0];
        try (PreparedStatement select = c.prepareStatement(page);
             PreparedStatement insert = c.prepareStatement(sweep.insert())) {
            while (true) {
                List<byte[]> keys = new ArrayList<>();
                select.setBytes(1, after);
                select.setLong(2, mark.revision());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getBytes(1));
                    }
                }
                for (byte[] key : keys) {
                    if (partitionOf(key, partitions) == mark.partition()) {
                        insert.setBytes(1, key);
                        insert.setInt(2, mark.partition());
                        insert.setLong(3, mark.epoch());
                        insert.addBatch();
                        count++;
                    }
                }
                insert.executeBatch();
                if (keys.size() < PAGE) {
                    return count;
                }
                after = keys.get(keys.size() - 1);
            }
        }
    }

    /** Removes the rows the snapshot did not refresh and tombstones them at its revision; returns how many. */
    long end(Connection c, SnapshotMark mark) throws SQLException {
        List<byte[]> keys = sweep.keys(c, mark.partition());
        long swept = 0;
        if (!keys.isEmpty()) {
            long now = System.currentTimeMillis();
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + dialect.quote(table) + " WHERE "
                    + dialect.quote("key") + " = ? AND " + dialect.quote("mod_revision") + " <= ?");
                 PreparedStatement tomb = c.prepareStatement(tombstones.upsert())) {
                for (byte[] key : keys) {
                    del.setBytes(1, key);
                    del.setLong(2, mark.revision());
                    if (del.executeUpdate() > 0) {
                        swept++;
                        tomb.setBytes(1, key);
                        tomb.setLong(2, mark.revision());
                        tomb.setLong(3, now);
                        tomb.addBatch();
                    }
                }
                tomb.executeBatch();
            }
            long[] revisions = new long[keys.size()];
            java.util.Arrays.fill(revisions, mark.revision());
            MappedWrites.delete(c, dialect, mappings, keys, revisions, true);
        }
        sweep.clear(c, mark.partition());
        return swept;
    }
}
