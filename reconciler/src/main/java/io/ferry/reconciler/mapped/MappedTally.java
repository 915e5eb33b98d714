package io.ferry.reconciler.mapped;

/**
 * What the check of one mapped table covered.
 *
 * @param table the mapped table
 * @param etcdKeys keys etcd held under its prefix at R (within the prefixes reconciled)
 * @param projected of those, keys whose value projects to a row
 * @param sqlRows rows the table held in the same ranges
 * @param notJudged rows written after R, which R cannot judge (the generic table's check covers their keys)
 * @param undecodableHere rows whose etcd value did not decode in this process although the sink wrote a row for it:
 *     not judged; most often this process lacks the sink's decryption keys
 */
public record MappedTally(String table, long etcdKeys, long projected, long sqlRows, long notJudged, long undecodableHere) {
}
