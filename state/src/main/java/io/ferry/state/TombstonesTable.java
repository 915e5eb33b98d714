package io.ferry.state;

import io.ferry.core.config.JdbcTarget;
import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The statements on {@code ferry_tombstones}: each deleted key and the revision of its delete, so
 * that a replay or an overlapping sink cannot bring the key back. The sink's data upserts embed
 * {@link #atOrAfter} as their guard; the reconciler reads the tombstones to tell a deleted key from a
 * missing one. Every method works in the caller's connection and transaction.
 */
public final class TombstonesTable {

    /** Keys per lookup where there is no array parameter: well under SQLite's 32,766 parameters. */
    private static final int KEYS_PER_LOOKUP = 500;

    private final StateSql sql;
    private final String table;

    public TombstonesTable(JdbcTarget.Kind kind) {
        this.sql = new StateSql(kind);
        this.table = sql.quote(StateTables.TOMBSTONES);
    }

    /**
     * {@code EXISTS} a tombstone of the key {@code key} at or after {@code revision}: both SQL expressions, such as
     * {@code ?} or {@code s."key"}. A data upsert inserts only where this does not hold.
     */
    public String atOrAfter(String key, String revision) {
        return "EXISTS (SELECT 1 FROM " + table + " d WHERE d." + sql.quote("key") + " = " + key + " AND d."
                + sql.quote("revision") + " >= " + revision + ")";
    }

    /** Records a delete and keeps the newest of a key. Parameters: key, revision, deleted_at (epoch ms). */
    public String upsert() {
        return Upsert.into(sql, StateTables.TOMBSTONES).columns(List.of("key", "revision", "deleted_at")).values(3)
                .newer("revision", false, "d").sql();
    }

    /** Deletes a key's tombstone at a revision a repair unpins: see {@link StateSql#deleteUnpinned}. */
    public String deleteUnpinned() {
        return sql.deleteUnpinned(StateTables.TOMBSTONES, "revision");
    }

    /** The revision of {@code key}'s tombstone; empty when it has none, or before the sink created the table. */
    public OptionalLong revision(Connection c, byte[] key) throws SQLException {
        if (!StateSql.exists(c, StateTables.TOMBSTONES)) {
            return OptionalLong.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sql.quote("revision") + " FROM " + table + " WHERE "
                + sql.quote("key") + " = ?")) {
            ps.setBytes(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** The keys in {@code [from, to)} whose tombstone is newer than {@code revision}; none before the table exists. */
    public List<byte[]> keysAfter(Connection c, byte[] from, byte[] to, long revision) throws SQLException {
        List<byte[]> keys = new ArrayList<>();
        if (!StateSql.exists(c, StateTables.TOMBSTONES)) {
            return keys;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sql.quote("key") + " FROM " + table + " WHERE "
                + sql.keyRange("key", to) + " AND " + sql.quote("revision") + " > " + revision)) {
            StateSql.bindKeyRange(ps, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getBytes(1));
                }
            }
        }
        return keys;
    }

    /** Whether there is any tombstone at all: a replay into an empty database need not look each key up. */
    public boolean any(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /**
     * The tombstone revision of each of {@code keys} that has one: on PostgreSQL in one statement with the keys as an
     * array, elsewhere (no array parameter) in statements of up to {@value #KEYS_PER_LOOKUP} keys.
     */
    public Map<ByteBuffer, Long> revisions(Connection c, byte[][] keys) throws SQLException {
        Map<ByteBuffer, Long> stored = new HashMap<>();
        String select = "SELECT " + sql.columns("key", "revision") + " FROM " + table + " WHERE " + sql.quote("key");
        if (sql.kind() == JdbcTarget.Kind.POSTGRES) {
            try (PreparedStatement ps = c.prepareStatement(select + " = ANY (?)")) {
                Array array = c.createArrayOf("bytea", keys);
                ps.setArray(1, array);
                read(ps, stored);
                array.free();
            }
            return stored;
        }
        for (int from = 0; from < keys.length; from += KEYS_PER_LOOKUP) {
            int n = Math.min(KEYS_PER_LOOKUP, keys.length - from);
            try (PreparedStatement ps = c.prepareStatement(select + " IN (" + String.join(", ", Collections.nCopies(n, "?"))
                    + ")")) {
                for (int i = 0; i < n; i++) {
                    ps.setBytes(i + 1, keys[from + i]);
                }
                read(ps, stored);
            }
        }
        return stored;
    }

    private static void read(PreparedStatement ps, Map<ByteBuffer, Long> into) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                into.put(ByteBuffer.wrap(rs.getBytes(1)), rs.getLong(2));
            }
        }
    }

    /**
     * Purges the tombstones of deletes before {@code horizonMs} (epoch ms).
     *
     * @return the newest purged delete revision, -1 when none was purged
     */
    public Purged purge(Connection c, long horizonMs) throws SQLException {
        String deletedAt = sql.quote("deleted_at");
        long maxRevision = -1;
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + sql.quote("revision") + ") FROM " + table
                + " WHERE " + deletedAt + " < ?")) {
            ps.setLong(1, horizonMs);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getObject(1) != null) {
                    maxRevision = rs.getLong(1);
                }
            }
        }
        if (maxRevision < 0) {
            return new Purged(0, -1);
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE " + deletedAt + " < ?")) {
            ps.setLong(1, horizonMs);
            return new Purged(ps.executeUpdate(), maxRevision);
        }
    }

    /**
     * What a purge removed.
     *
     * @param count how many tombstones
     * @param maxRevision the newest purged delete revision, -1 when none
     */
    public record Purged(int count, long maxRevision) {
    }
}
