package io.ferry.reverse;

import org.apache.kafka.connect.data.Struct;

/**
 * A change's place in the database's own log, as numbers compared left to right. The reverse
 * writer stores the last one it applied in etcd, in the same transaction as the change, and skips
 * anything at or before it: Debezium delivers at least once, so after a crash it may repeat a few
 * changes, and this is what makes them harmless.
 *
 * <p>PostgreSQL: Debezium's {@code sequence}, [LSN of the previous commit, LSN of the change]. A
 * change's own LSN alone does not order changes, because concurrent transactions interleave in
 * the WAL but are decoded in commit order. MySQL and MariaDB: [binlog file number, position of the
 * event, row within the event], which is the order the binlog is read in.
 */
final class LogOrder {

    private LogOrder() {
    }

    static long[] of(Struct source) {
        if (source.schema().field("sequence") != null && source.schema().field("lsn") != null) {
            return postgres(source.getString("sequence"));
        }
        String file = source.getString("file");
        Long pos = source.getInt64("pos");
        Integer row = source.getInt32("row");
        return new long[] {fileNumber(file), pos == null ? 0 : pos, row == null ? 0 : row};
    }

    /** Parses {@code ["123","456"]}; a null first element (no commit seen yet since start) is 0. */
    static long[] postgres(String sequence) {
        if (sequence == null) {
            return new long[] {0, 0};
        }
        String[] parts = sequence.replace("[", "").replace("]", "").replace("\"", "").split(",");
        long[] order = new long[2];
        for (int i = 0; i < 2 && i < parts.length; i++) {
            String p = parts[i].trim();
            order[i] = p.isEmpty() || p.equals("null") ? 0 : Long.parseLong(p);
        }
        return order;
    }

    static long fileNumber(String binlogFile) {
        if (binlogFile == null || binlogFile.isEmpty()) {
            return 0;
        }
        return Long.parseLong(binlogFile.substring(binlogFile.lastIndexOf('.') + 1));
    }

    /** Negative, zero or positive as {@code a} lies before, at or after {@code b}. */
    static int compare(long[] a, long[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int c = Long.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    /**
     * Whether {@code change} is certainly one already applied. A PostgreSQL change seen before any
     * commit since the connector started has no commit LSN to order it by, so it is never skipped.
     */
    static boolean alreadyApplied(long[] change, long[] applied) {
        if (applied == null || change.length != applied.length || (change.length == 2 && change[0] == 0)) {
            return false;
        }
        return compare(change, applied) <= 0;
    }
}
