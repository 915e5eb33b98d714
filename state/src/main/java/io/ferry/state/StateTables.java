package io.ferry.state;

/**
 * The names of Ferry's own tables in the target database, all with a {@code ferry_} prefix. The
 * sink creates them ({@link StateSchema}); the reconciler, the cutover, the rollback path and
 * {@code ferry status} read them. Nothing outside this module spells these names.
 */
public final class StateTables {

    /** Per topic partition: the next Kafka offset to apply, the watermark, the snapshot in progress. */
    public static final String OFFSETS = "ferry_offsets";
    /** Deleted keys and the revision of their delete, so that a replay cannot bring a key back. */
    public static final String TOMBSTONES = "ferry_tombstones";
    /** Small named values, such as the tombstone horizon. */
    public static final String META = "ferry_meta";
    /** The keys a snapshot's sweep may delete. */
    public static final String SWEEP = "ferry_sweep";
    /** Which schema migrations ran, per component. */
    public static final String SCHEMA_VERSION = "ferry_schema_version";
    /** One row per cutover attempt; {@code ferry cutover} writes it, the sink reads the switch from it. */
    public static final String CUTOVER = "ferry_cutover";
    /** etcd changes after a cutover's switch, recorded instead of applied. */
    public static final String LATE_WRITES = "ferry_late_writes";
    /** Values under a mapped prefix that the mapping's decoders could not read: kept raw in the generic table, listed here. */
    public static final String DECODE_FAILURES = "ferry_decode_failures";

    private StateTables() {
    }
}
