package io.ferry.cli.faults;

import java.util.Arrays;

/** One key's full state, as etcd holds it or as a SQL row holds it: the six columns of etcd_kv. */
record Row(byte[] key, byte[] value, long createRevision, long modRevision, long version, long lease) {

    /** The columns that differ from {@code other}, or an empty string when none does. */
    String differences(Row other) {
        StringBuilder sb = new StringBuilder();
        if (value == null || other.value == null ? value != other.value : !Arrays.equals(value, other.value)) {
            sb.append(" value(").append(describe(value)).append(" vs ").append(describe(other.value)).append(")");
        }
        compare(sb, "create_revision", createRevision, other.createRevision);
        compare(sb, "mod_revision", modRevision, other.modRevision);
        compare(sb, "version", version, other.version);
        compare(sb, "lease", lease, other.lease);
        return sb.toString().trim();
    }

    private static void compare(StringBuilder sb, String column, long a, long b) {
        if (a != b) {
            sb.append(' ').append(column).append('(').append(a).append(" vs ").append(b).append(')');
        }
    }

    private static String describe(byte[] v) {
        return v == null ? "NULL" : v.length + " bytes crc " + Integer.toHexString(WorkloadWorker.crc(v));
    }
}
