package io.ferry.sink.dialect.postgres;

import io.ferry.sink.ColumnType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One {@code COPY ... FROM STDIN (FORMAT binary)} being written: the header, then per row its
 * field count and each field as length and bytes in the type's binary send format, then the
 * trailer. Buffered, so the driver sees a few large writes. Closing it before {@link #end} cancels
 * the copy, which leaves the connection usable for a rollback to a savepoint.
 */
final class CopyStream implements AutoCloseable {

    /** The binary COPY signature, then flags and header-extension length, both 0. */
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0};
    private static final int BUFFER_BYTES = 256 * 1024;
    /** PostgreSQL's timestamps count microseconds from 2000-01-01T00:00:00Z. */
    private static final long POSTGRES_EPOCH_SECOND = 946_684_800L;
    /** The jsonb send format: a version byte, then the JSON text. */
    private static final byte JSONB_VERSION = 1;

    private final CopyIn in;
    private ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES);

    private CopyStream(CopyIn in) {
        this.in = in;
        buf.put(HEADER);
    }

    static CopyStream open(Connection c, String copySql) throws SQLException {
        return new CopyStream(c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql));
    }

    void row(int fields) throws SQLException {
        room(2);
        buf.putShort((short) fields);
    }

    void bytes(byte[] b) throws SQLException {
        room(4 + b.length);
        buf.putInt(b.length);
        buf.put(b);
    }

    void int8(long v) throws SQLException {
        room(12);
        buf.putInt(8);
        buf.putLong(v);
    }

    /** One cell of a mapped column, typed as {@code io.ferry.sink.ColumnValues} makes it; null is SQL NULL. */
    void cell(ColumnType type, Object value) throws SQLException {
        if (value == null) {
            room(4);
            buf.putInt(-1);
            return;
        }
        switch (type) {
            case TEXT -> bytes(((String) value).getBytes(StandardCharsets.UTF_8));
            case BIGINT -> int8((Long) value);
            case DOUBLE -> int8(Double.doubleToRawLongBits((Double) value));
            case BOOLEAN -> {
                room(5);
                buf.putInt(1);
                buf.put((byte) (((Boolean) value) ? 1 : 0));
            }
            // Truncated to the microsecond, as the upsert's text form (ColumnValues.sqlTimestamp) is.
            case TIMESTAMP -> int8(microsSincePostgresEpoch((Instant) value));
            case JSON -> {
                byte[] text = ((String) value).getBytes(StandardCharsets.UTF_8);
                room(5 + text.length);
                buf.putInt(1 + text.length);
                buf.put(JSONB_VERSION);
                buf.put(text);
            }
        }
    }

    static long microsSincePostgresEpoch(Instant t) {
        return (t.getEpochSecond() - POSTGRES_EPOCH_SECOND) * 1_000_000L + t.getNano() / 1_000;
    }

    /** The trailer, and the copy's end: PostgreSQL checks the rows now. */
    void end() throws SQLException {
        room(2);
        buf.putShort((short) -1);
        flush();
        in.endCopy();
    }

    private void room(int need) throws SQLException {
        if (buf.remaining() < need) {
            flush();
            if (buf.capacity() < need) {
                buf = ByteBuffer.allocate(need); // one large value; etcd caps them at a few MiB
            }
        }
    }

    private void flush() throws SQLException {
        in.writeToCopy(buf.array(), 0, buf.position());
        buf.clear();
    }

    @Override
    public void close() throws SQLException {
        if (in.isActive()) {
            in.cancelCopy(); // a load that failed half-way: leave the connection usable for the rollback
        }
    }
}
