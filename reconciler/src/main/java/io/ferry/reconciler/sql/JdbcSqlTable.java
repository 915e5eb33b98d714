package io.ferry.reconciler.sql;

import io.ferry.core.config.JdbcTarget;
import io.ferry.reconciler.Row;
import io.ferry.state.SinkOffsets;
import io.ferry.state.StateSql;
import io.ferry.state.TombstonesTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The statements every dialect shares; a dialect supplies the hash expression and how to stream a
 * large result. Identifiers are quoted by the state module's rule ({@link StateSql}), which the sink
 * wrote them with, and the tombstones are read through {@link TombstonesTable}.
 */
abstract class JdbcSqlTable implements SqlTable {

    private static final int FETCH_SIZE = 1000;

    /** Keys per IN list: well under SQLite's 999 bound parameters and any statement size limit. */
    private static final int IN_LIST = 500;

    protected final Connection connection;
    protected final String table;
    private final StateSql sql;
    private final SinkOffsets offsets;
    private final TombstonesTable tombstones;

    JdbcSqlTable(Connection connection, String table, JdbcTarget.Kind kind, String topic) {
        this.connection = connection;
        this.sql = new StateSql(kind);
        this.table = sql.quote(table);
        this.offsets = new SinkOffsets(connection, kind, topic);
        this.tombstones = new TombstonesTable(kind);
    }

    /** Quotes one identifier, or each part of {@code schema.table}. */
    final String quote(String identifier) {
        return sql.quote(identifier);
    }

    /** An expression over the selected rows that yields the SHA-256 (raw bytes or hex text) of the rows in key order. */
    abstract String hashExpression();

    /** Turns the hash column into raw digest bytes. */
    abstract byte[] digestOf(ResultSet rs, int column) throws SQLException;

    /** Prepares {@code connection} to stream a large result instead of buffering it. */
    void prepareStreaming(PreparedStatement ps) throws SQLException {
        ps.setFetchSize(FETCH_SIZE);
    }

    @Override
    public RangeHash hash(byte[] from, byte[] to) throws SQLException {
        String sql = "SELECT COUNT(*), " + hashExpression() + " FROM " + table + " WHERE " + rangePredicate(to);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bindRange(ps, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new RangeHash(rs.getLong(1), digestOf(rs, 2));
            }
        }
    }

    @Override
    public void rows(byte[] from, byte[] to, Consumer<Row> consumer) throws SQLException {
        String sql = selectRows() + " WHERE " + rangePredicate(to) + " ORDER BY " + quote("key");
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            prepareStreaming(ps);
            bindRange(ps, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    consumer.accept(read(rs));
                }
            }
        }
    }

    @Override
    public Optional<Row> row(byte[] key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(selectRows() + " WHERE " + quote("key") + " = ?")) {
            ps.setBytes(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** Point reads in IN lists, so verifying N changed keys costs N / 500 round trips, not N. */
    @Override
    public java.util.List<Row> rows(java.util.List<byte[]> keys) throws SQLException {
        java.util.List<Row> found = new java.util.ArrayList<>();
        for (int i = 0; i < keys.size(); i += IN_LIST) {
            java.util.List<byte[]> chunk = keys.subList(i, Math.min(keys.size(), i + IN_LIST));
            String sql = selectRows() + " WHERE " + quote("key") + " IN (" + "?,".repeat(chunk.size() - 1) + "?)";
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (int j = 0; j < chunk.size(); j++) {
                    ps.setBytes(j + 1, chunk.get(j));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(read(rs));
                    }
                }
            }
        }
        return found;
    }

    @Override
    public OptionalLong tombstoneRevision(byte[] key) throws SQLException {
        return tombstones.revision(connection, key);
    }

    @Override
    public java.util.List<byte[]> tombstonesAfter(byte[] from, byte[] to, long revision) throws SQLException {
        return tombstones.keysAfter(connection, from, to, revision);
    }

    @Override
    public Map<Integer, Long> watermarks() throws SQLException {
        return offsets.watermarks().byPartition();
    }

    @Override
    public SinkOffsets offsets() {
        return offsets;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    private String selectRows() {
        return "SELECT " + quote("key") + ", " + quote("value") + ", create_revision, mod_revision, version, lease FROM "
                + table;
    }

    private String rangePredicate(byte[] to) {
        return sql.keyRange("key", to);
    }

    private static void bindRange(PreparedStatement ps, byte[] from, byte[] to) throws SQLException {
        StateSql.bindKeyRange(ps, from, to);
    }

    private static Row read(ResultSet rs) throws SQLException {
        byte[] value = rs.getBytes(2);
        return new Row(rs.getBytes(1), value == null ? new byte[0] : value, rs.getLong(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6));
    }
}
