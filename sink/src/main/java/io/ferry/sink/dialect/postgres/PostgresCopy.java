package io.ferry.sink.dialect.postgres;

import io.ferry.sink.NewRowLoader;
import io.ferry.sink.RowColumns;
import io.ferry.sink.SqlDialect;
import io.ferry.state.TombstonesTable;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * New rows through {@code COPY ... FROM STDIN (FORMAT binary)}: no text escaping of the bytea
 * columns and no per-row statement, parse or conflict check, so PostgreSQL takes them about as
 * fast as a server-side {@code INSERT ... SELECT}.
 */
final class PostgresCopy implements NewRowLoader {

    /** The binary COPY signature, then flags and header-extension length, both 0. */
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0};
    private static final int BUFFER_BYTES = 256 * 1024;
    /** Per row: the field count, six field lengths and four int8 fields. */
    private static final int ROW_OVERHEAD = 2 + 6 * 4 + 4 * 8;
    private static final String UNIQUE_VIOLATION = "23505";

    private final SqlDialect dialect;
    private final TombstonesTable tombstones;

    PostgresCopy(SqlDialect dialect) {
        this.dialect = dialect;
        this.tombstones = new TombstonesTable(dialect.kind());
    }

    @Override
    public void load(Connection c, String table, RowColumns rows) throws SQLException {
        StringBuilder columns = new StringBuilder();
        for (String column : SqlDialect.ROW_COLUMNS) {
            columns.append(columns.isEmpty() ? "" : ", ").append(dialect.quote(column));
        }
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + dialect.quote(table) + " (" + columns + ") FROM STDIN (FORMAT binary)");
        try {
            ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES);
            buf.put(HEADER);
            for (int i = 0; i < rows.size(); i++) {
                byte[] key = rows.keys()[i];
                byte[] value = rows.values()[i];
                int need = ROW_OVERHEAD + key.length + value.length;
                if (buf.remaining() < need) {
                    flush(in, buf);
                    if (buf.capacity() < need) {
                        buf = ByteBuffer.allocate(need); // one large value; etcd caps them at a few MiB
                    }
                }
                buf.putShort((short) 6);
                bytes(buf, key);
                bytes(buf, value);
                int8(buf, rows.createRevisions()[i]);
                int8(buf, rows.modRevisions()[i]);
                int8(buf, rows.versions()[i]);
                int8(buf, rows.leases()[i]);
            }
            if (buf.remaining() < 2) {
                flush(in, buf);
            }
            buf.putShort((short) -1);
            flush(in, buf);
            in.endCopy();
        } catch (SQLException | RuntimeException e) {
            if (in.isActive()) {
                try {
                    in.cancelCopy(); // leave the connection usable for the rollback to the savepoint
                } catch (SQLException cancel) {
                    e.addSuppressed(cancel);
                }
            }
            throw e;
        }
    }

    private static void bytes(ByteBuffer buf, byte[] b) {
        buf.putInt(b.length);
        buf.put(b);
    }

    private static void int8(ByteBuffer buf, long v) {
        buf.putInt(8);
        buf.putLong(v);
    }

    private static void flush(CopyIn in, ByteBuffer buf) throws SQLException {
        in.writeToCopy(buf.array(), 0, buf.position());
        buf.clear();
    }

    @Override
    public boolean[] tombstoned(Connection c, byte[][] keys, long[] revisions) throws SQLException {
        boolean[] dead = new boolean[keys.length];
        if (!tombstones.any(c)) {
            return dead; // a replay into an empty database: no need to send every key to look them up
        }
        Map<ByteBuffer, Long> stored = tombstones.revisions(c, keys);
        for (int i = 0; i < keys.length; i++) {
            Long revision = stored.get(ByteBuffer.wrap(keys[i]));
            dead[i] = revision != null && revision >= revisions[i];
        }
        return dead;
    }

    @Override
    public boolean isDuplicateKey(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }
}
