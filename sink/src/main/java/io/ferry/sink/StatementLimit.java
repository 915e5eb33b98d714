package io.ferry.sink;

/**
 * The largest row one statement can carry to the database, for the servers that bound a statement's
 * size: MySQL and MariaDB refuse a packet over {@code max_allowed_packet}, and that refusal is not
 * transient, so a row over it would end the whole sink. Checked per record instead, it is a bad record
 * that halts its partition or goes to {@code sink.dlq.topic}, with the fix named.
 *
 * <p>Connector/J sends a binary value as hex, two bytes per byte, and a string with escapes, at most
 * two bytes per byte; so a row's values may take up to half the packet, less the statement's text.
 *
 * @param maxRowBytes the most bytes a row's key, value and mapped columns may take; {@link Long#MAX_VALUE} when unbounded
 * @param maxAllowedPacket the server's {@code max_allowed_packet}, or 0 when it has none
 */
public record StatementLimit(long maxRowBytes, long maxAllowedPacket) {

    /** PostgreSQL and SQLite: a row is bounded by the value limit alone. */
    static final StatementLimit NONE = new StatementLimit(Long.MAX_VALUE, 0);

    /** The upsert's text, the revisions and the key's quoting, with room to spare. */
    static final int STATEMENT_TEXT_BYTES = 16 * 1024;

    /** etcd's default request limit (--max-request-bytes): a limit below it refuses values a stock etcd accepts. */
    public static final long ETCD_DEFAULT_MAX_REQUEST_BYTES = 1_572_864;

    /** The limit for a server with this {@code max_allowed_packet}. */
    public static StatementLimit ofMaxAllowedPacket(long maxAllowedPacket) {
        return new StatementLimit(Math.max(0, (maxAllowedPacket - STATEMENT_TEXT_BYTES) / 2), maxAllowedPacket);
    }

    boolean bounded() {
        return maxRowBytes != Long.MAX_VALUE;
    }

    /** The {@code max_allowed_packet} under which a row of {@code rowBytes} fits. */
    public static long packetFor(long rowBytes) {
        return 2 * rowBytes + STATEMENT_TEXT_BYTES;
    }

    /** Refuses a row whose statement the server would refuse. */
    void check(long rowBytes) throws BadRecordException {
        if (rowBytes > maxRowBytes) {
            throw new BadRecordException("row of " + rowBytes + " bytes (key, value and mapped columns) is over what one "
                    + "statement carries to the database (max_allowed_packet " + maxAllowedPacket + " bytes admits rows of "
                    + maxRowBytes + "): raise max_allowed_packet to at least " + packetFor(rowBytes) + " (SET GLOBAL and "
                    + "the server's configuration) and restart the sink");
        }
    }

    /** One line for the start-up log. */
    String describe() {
        return "max_allowed_packet " + maxAllowedPacket + " bytes: rows up to " + maxRowBytes + " bytes of key, value and "
                + "mapped columns (Connector/J sends bytes as hex); a larger row is a bad record";
    }
}
