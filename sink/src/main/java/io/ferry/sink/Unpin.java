package io.ferry.sink;

/**
 * What a repair record may remove of its key before it is applied: SQL's row and tombstone at a
 * revision etcd never gave the key, which the revision guard would otherwise keep forever (a record
 * forged with a high {@code mod_revision} pins its row: every later change counts as stale).
 *
 * <p>The reconciler's repair read etcd at revision {@code through} and found the key at revision
 * {@code after} (or deleted), so no real change of the key has a revision in {@code (after, through]}:
 * whatever SQL holds there is removed. Above {@code through} a real change may have arrived since, so
 * only the exact revision the repair states it {@code replaces} (SQL's, as the reconciler saw it) is
 * removed, and only while SQL still holds exactly that.
 *
 * @param after the revision of etcd's state that the repair carries (for a delete, one below it)
 * @param through the etcd revision the repair was read at
 * @param replaces SQL's revision of the key that the repair replaces ({@code ferry.replaces}), or 0
 */
record Unpin(long after, long through, long replaces) {
}
