package io.ferry.reconciler;

import java.time.Instant;

/**
 * An etcd change after the cutover revision F: a lost-update candidate. Old writers that were not
 * stopped keep writing to etcd; unless someone looks, those writes never reach SQL.
 *
 * @param key the key
 * @param revision the change's etcd revision
 * @param deleted true for a delete
 * @param observedAt when it happened, where known (etcd keeps no time; null then)
 * @param sqlRevision the SQL row's mod_revision now, 0 when there is no row
 * @param sqlChangedSinceCutover whether the SQL row changed after F (its revision is above F, or it is gone)
 */
public record LateWrite(byte[] key, long revision, boolean deleted, Instant observedAt, long sqlRevision,
                        boolean sqlChangedSinceCutover) {
}
