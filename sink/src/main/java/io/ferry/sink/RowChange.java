package io.ferry.sink;

/**
 * One key's change as the sink applies it: a put (value present) or a delete (value null) at
 * {@code modRevision}, with where it came from for metrics and error messages.
 *
 * @param partition source partition
 * @param offset source offset
 * @param key etcd key bytes
 * @param value etcd value bytes, null for a delete
 * @param createRevision create_revision of a put
 * @param modRevision the put's mod_revision or the delete's revision
 * @param version version of a put
 * @param lease lease of a put
 * @param repair true for a reconciler repair, which may rewrite a row at the same revision
 * @param snapshotRefresh true when read while a snapshot of its partition was in progress
 * @param tsMs when the watcher saw the change, for the end-to-end age
 * @param mapped the put's row in a mapped table, or null
 * @param progressRevision the etcd revision a watch event shows its partition reached (everything
 *        before it is complete), or -1 for snapshot reads and repairs, which show nothing
 * @param reverse true when the rollback path copied this change from SQL into etcd
 * @param unpin for a repair, the row and tombstone it may remove first; null otherwise
 */
record RowChange(int partition, long offset, byte[] key, byte[] value, long createRevision, long modRevision,
                 long version, long lease, boolean repair, boolean snapshotRefresh, long tsMs,
                 MappedRow mapped, long progressRevision, boolean reverse, Unpin unpin) implements PlanItem {

    boolean isDelete() {
        return value == null;
    }

    static RowChange delete(int partition, long offset, byte[] key, long revision, boolean snapshotRefresh, long tsMs) {
        return delete(partition, offset, key, revision, snapshotRefresh, tsMs, false);
    }

    static RowChange delete(int partition, long offset, byte[] key, long revision, boolean snapshotRefresh, long tsMs,
                            boolean reverse) {
        return delete(partition, offset, key, revision, snapshotRefresh, tsMs, reverse, null);
    }

    static RowChange delete(int partition, long offset, byte[] key, long revision, boolean snapshotRefresh, long tsMs,
                            boolean reverse, Unpin unpin) {
        return new RowChange(partition, offset, key, null, 0, revision, 0, 0, false, snapshotRefresh, tsMs, null, revision,
                reverse, unpin);
    }
}
