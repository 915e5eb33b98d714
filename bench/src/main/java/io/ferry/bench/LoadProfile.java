package io.ferry.bench;

import java.time.Duration;

/**
 * What the {@link LoadGenerator} writes, and how fast.
 *
 * @param prefix every key starts with it
 * @param keyCount size of the key space
 * @param valueBytes bytes per value
 * @param ratePerSecond operations started per second; 0 for as fast as {@code inFlight} allows
 * @param deleteRatio share of operations that delete one key (0..1)
 * @param txnRatio share of operations that are a multi-key transaction of {@code txnKeys} puts (0..1)
 * @param txnKeys keys per transaction; etcd refuses more than {@value #ETCD_MAX_TXN_OPS}
 * @param binaryKeys keys carry bytes that are not UTF-8 (0xFF, NUL), to exercise the byte-exact path
 * @param sequential visit keys 0..keyCount-1 once each, in order (a bulk load), instead of at random
 * @param inFlight most operations awaiting etcd's answer at once
 * @param maxOps stop after this many operations
 * @param maxDuration stop after this long, whatever {@code maxOps} says
 * @param seed of the random choices, so a run can be repeated
 */
public record LoadProfile(String prefix, int keyCount, int valueBytes, double ratePerSecond, double deleteRatio,
                          double txnRatio, int txnKeys, boolean binaryKeys, boolean sequential, int inFlight,
                          long maxOps, Duration maxDuration, long seed) {

    /** etcd's default {@code --max-txn-ops}. */
    public static final int ETCD_MAX_TXN_OPS = 128;

    public LoadProfile {
        StringBuilder problems = new StringBuilder();
        if (keyCount < 1) {
            problems.append(" keyCount must be at least 1, not ").append(keyCount).append(';');
        }
        if (valueBytes < 0) {
            problems.append(" valueBytes must be 0 or more, not ").append(valueBytes).append(';');
        }
        if (ratePerSecond < 0) {
            problems.append(" ratePerSecond must be 0 (unlimited) or more, not ").append(ratePerSecond).append(';');
        }
        if (deleteRatio < 0 || txnRatio < 0 || deleteRatio + txnRatio > 1) {
            problems.append(" deleteRatio and txnRatio must be 0..1 and add up to at most 1, not ")
                    .append(deleteRatio).append(" and ").append(txnRatio).append(';');
        }
        if (txnKeys < 1 || txnKeys > ETCD_MAX_TXN_OPS) {
            problems.append(" txnKeys must be 1..").append(ETCD_MAX_TXN_OPS).append(" (etcd's --max-txn-ops), not ")
                    .append(txnKeys).append(';');
        }
        if (txnRatio > 0 && !sequential && txnKeys > keyCount) {
            problems.append(" txnKeys must be at most keyCount (").append(keyCount)
                    .append("): a transaction puts different keys;");
        }
        if (inFlight < 1) {
            problems.append(" inFlight must be at least 1, not ").append(inFlight).append(';');
        }
        if (maxOps < 1 || maxDuration == null || maxDuration.isNegative() || maxDuration.isZero()) {
            problems.append(" maxOps and maxDuration must both be positive: every load is bounded;");
        }
        if (problems.length() > 0) {
            throw new IllegalArgumentException("invalid load profile:" + problems);
        }
    }

    /** A bulk load: each of {@code keys} keys written once, {@code txnKeys} puts per transaction. */
    public static LoadProfile bulk(String prefix, int keys, int valueBytes, boolean binaryKeys) {
        int perTxn = ETCD_MAX_TXN_OPS;
        long txns = (keys + perTxn - 1) / perTxn;
        return new LoadProfile(prefix, keys, valueBytes, 0, 0, 1, perTxn, binaryKeys, true, 8, txns,
                Duration.ofMinutes(20), 1);
    }

    /** Random single-key puts over {@code keys} keys at {@code rate} per second (0: unlimited) for {@code duration}. */
    public static LoadProfile steady(String prefix, int keys, int valueBytes, double rate, int inFlight,
                                     Duration duration) {
        long ops = rate > 0 ? (long) Math.ceil(rate * duration.toMillis() / 1000.0) : Long.MAX_VALUE;
        return new LoadProfile(prefix, keys, valueBytes, rate, 0, 0, 1, false, false, inFlight, ops, duration, 7);
    }

    public LoadProfile withMix(double deletes, double txns, int keysPerTxn) {
        return new LoadProfile(prefix, keyCount, valueBytes, ratePerSecond, deletes, txns, keysPerTxn, binaryKeys,
                sequential, inFlight, maxOps, maxDuration, seed);
    }

    public LoadProfile withBinaryKeys(boolean binary) {
        return new LoadProfile(prefix, keyCount, valueBytes, ratePerSecond, deleteRatio, txnRatio, txnKeys, binary,
                sequential, inFlight, maxOps, maxDuration, seed);
    }
}
