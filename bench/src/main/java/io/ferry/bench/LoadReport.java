package io.ferry.bench;

/**
 * What a load did.
 *
 * @param ops operations acknowledged by etcd (a transaction counts once)
 * @param keysWritten keys put or deleted, transactions counted per key
 * @param failed operations etcd refused or that timed out
 * @param seconds from the first operation to the last answer
 * @param firstRevision revision of the first answer; lastRevision of the highest
 */
record LoadReport(long ops, long keysWritten, long failed, double seconds, long firstRevision, long lastRevision) {

    double opsPerSecond() {
        return seconds > 0 ? ops / seconds : 0;
    }

    double keysPerSecond() {
        return seconds > 0 ? keysWritten / seconds : 0;
    }
}
