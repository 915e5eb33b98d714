package io.ferry.clients;

import org.apache.kafka.common.utils.Utils;

/**
 * The partition of a change record: what Kafka's default partitioner picks for a keyed record
 * (murmur2 of the key bytes), computed by Ferry itself so that the partition is known before the
 * record is sent and can be signed ({@link RecordSigner}). Every change to one key lands in one
 * partition, as before.
 */
public final class KeyPartitions {

    private KeyPartitions() {
    }

    /** The partition of {@code key} on a topic of {@code partitions} partitions. */
    public static int of(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
