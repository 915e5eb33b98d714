package io.ferry.cli.faults;

/**
 * What changed in one database between two samples: for each changed key (by pool index) its new
 * mod_revision, 0 when the row is gone. Storing changes, not whole tables, keeps a long run small.
 */
record Sample(long atMs, int[] keys, long[] modRevisions) {
}
