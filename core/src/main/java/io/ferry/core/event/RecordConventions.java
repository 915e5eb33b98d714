package io.ferry.core.event;

import java.nio.charset.StandardCharsets;

/**
 * How Ferry lays envelopes onto Kafka records: the header that says what a record is, and the
 * record keys of control records.
 *
 * <p>A change record's key is the etcd key's bytes, so the default partitioner keeps each
 * key's changes in one partition and log compaction keeps the newest value per key. Control
 * records are written to an explicit partition under a key that starts with a NUL byte, which
 * keeps them apart from etcd keys under any prefix that does not itself start with NUL, and
 * lets compaction keep only the newest control record of each kind per partition.
 */
public final class RecordConventions {

    /** Header naming what a record is; its value is one of the {@code KIND_*} names. */
    public static final String KIND_HEADER = "ferry.kind";
    public static final String KIND_CHANGE = "change";
    /** The null-valued record that follows a delete, so that log compaction drops the key. */
    public static final String KIND_TOMBSTONE = "tombstone";

    /**
     * Header with the record's etcd revision in decimal ASCII, on every record including
     * tombstones. Compaction may drop the {@code op=d} envelope and keep only the tombstone; the
     * header still tells a sink replaying that topic which revision the delete happened at.
     */
    public static final String REVISION_HEADER = "ferry.revision";
    /** Header with the snapshot epoch in decimal ASCII, on every record. */
    public static final String EPOCH_HEADER = "ferry.epoch";

    /**
     * Header {@code "true"} on snapshot reads that the reconciler re-emits to repair a row whose
     * value differs from etcd at the same revision (corruption). A sink applies such a record when
     * its revision is at least the stored one, not only when it is newer; everything else about the
     * revision guard stays as it is.
     */
    public static final String REPAIR_HEADER = "ferry.repair";

    /**
     * Header on a repair record, with a revision in decimal ASCII: SQL holds the key at this revision
     * (its row's {@code mod_revision}, or its tombstone's), which is ahead of etcd's state, so that the
     * revision guard alone would refuse the repair. A sink removes that row or tombstone only if it
     * still has exactly this revision, then applies the repair.
     */
    public static final String REPLACES_HEADER = "ferry.replaces";

    /**
     * Header with the record's signature when {@code signing.key} is set: {@code v1:<key id>:<base64
     * HMAC-SHA256>} over the topic, partition, key, value and every other {@code ferry.*} header
     * ({@code docs/security.md}).
     */
    public static final String SIGNATURE_HEADER = "ferry.signature";

    /**
     * Header {@code "true"} on the tombstone that follows a delete made by the rollback path's reverse
     * writer: after log compaction the tombstone is all that is left of the delete, and it must still
     * say whose delete it was ({@code source.reverse} of the envelope).
     */
    public static final String REVERSE_HEADER = "ferry.reverse";

    /** Content type of Ferry envelopes, carried in a header for tools that inspect topics. */
    public static final String FORMAT_HEADER = "ferry.format";

    /**
     * Header {@code true} on the last read of a snapshot (the key that comes last in key order across
     * every prefix): the copy at the snapshot's revision is complete once it is applied, on its
     * partition. Kafka Connect consumers see it as Debezium's {@code snapshot=last}.
     */
    public static final String SNAPSHOT_LAST_HEADER = "ferry.snapshot.last";
    public static final String FORMAT_V1 = "ferry-json-v1";

    private RecordConventions() {
    }

    /** The record key of the control record of {@code kind} on {@code partition}. */
    public static byte[] controlKey(ControlRecord.Kind kind, int partition) {
        return ("\0ferry." + kind.wireName() + "." + partition).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] header(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] header(long value) {
        return Long.toString(value).getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a numeric header written by {@link #header(long)}. */
    public static long parseLongHeader(byte[] value) {
        return Long.parseLong(new String(value, StandardCharsets.UTF_8));
    }
}
