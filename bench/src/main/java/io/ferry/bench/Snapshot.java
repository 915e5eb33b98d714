package io.ferry.bench;

import io.ferry.testkit.SqlDatabase;

/**
 * A prefix loaded into etcd and copied into PostgreSQL by Ferry: what the snapshot scenario
 * leaves for the replay and reconcile scenarios (its topic is a pre-filled change log).
 */
record Snapshot(String prefix, long keys, long revision, String topic, SqlDatabase postgres) {
}
