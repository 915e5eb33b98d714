package io.ferry.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * The kind of writes of the steady-state load, from {@code bench.steady.*} properties: how many
 * are deletes and multi-key transactions, whether keys are binary, and how many writes may await
 * etcd's answer. Rates of that scenario count operations, so a transaction of several keys counts
 * once, both in etcd's measured maximum and in the steps.
 *
 * @param deleteRatio share of operations that delete one key ({@code bench.steady.delete.ratio})
 * @param txnRatio share of operations that are a transaction of {@code txnKeys} puts ({@code bench.steady.txn.ratio})
 * @param txnKeys puts per transaction, at most etcd's {@code --max-txn-ops} ({@code bench.steady.txn.keys})
 * @param binaryKeys keys that are not UTF-8 ({@code bench.steady.binary.keys})
 * @param inFlight most writes awaiting etcd's answer ({@code bench.steady.in.flight})
 */
record LoadMix(double deleteRatio, double txnRatio, int txnKeys, boolean binaryKeys, int inFlight) {

    /** Single-key puts of UTF-8 keys, 128 in flight: the watch scenario's load, and the steady default. */
    static final LoadMix PUTS = new LoadMix(0, 0, 1, false, 128);

    /** Checks the mix against {@link LoadProfile}'s rules now, not after minutes of loading. */
    LoadMix {
        try {
            profile("/check/", LoadProfile.ETCD_MAX_TXN_OPS, 0, 1, Duration.ofSeconds(1), deleteRatio, txnRatio,
                    txnKeys, binaryKeys, inFlight);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bench.steady.delete.ratio, .txn.ratio, .txn.keys or .in.flight: "
                    + e.getMessage(), e);
        }
    }

    static LoadMix fromSystemProperties() {
        return new LoadMix(
                share("bench.steady.delete.ratio", PUTS.deleteRatio()),
                share("bench.steady.txn.ratio", PUTS.txnRatio()),
                count("bench.steady.txn.keys", PUTS.txnKeys()),
                flag("bench.steady.binary.keys", PUTS.binaryKeys()),
                count("bench.steady.in.flight", PUTS.inFlight()));
    }

    /** Writes of this mix over {@code keys} keys at {@code rate} operations per second (0: unlimited) for {@code duration}. */
    LoadProfile profile(String prefix, int keys, int valueBytes, double rate, Duration duration) {
        return profile(prefix, keys, valueBytes, rate, duration, deleteRatio, txnRatio, txnKeys, binaryKeys, inFlight);
    }

    boolean singlePuts() {
        return deleteRatio == 0 && txnRatio == 0 && !binaryKeys;
    }

    /** "single-key puts", or the parts of the mix: "10% deletes, 5% transactions of 8 puts, binary keys". */
    String describe() {
        if (singlePuts()) {
            return "single-key puts";
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (deleteRatio > 0) {
            parts.add(String.format(Locale.ROOT, "%.0f%% deletes", deleteRatio * 100));
        }
        if (txnRatio > 0) {
            parts.add(String.format(Locale.ROOT, "%.0f%% transactions of %d puts", txnRatio * 100, txnKeys));
        }
        if (binaryKeys) {
            parts.add("binary keys");
        }
        return String.join(", ", parts);
    }

    private static LoadProfile profile(String prefix, int keys, int valueBytes, double rate, Duration duration,
                                       double deletes, double txns, int txnKeys, boolean binary, int inFlight) {
        return LoadProfile.steady(prefix, keys, valueBytes, rate, inFlight, duration).withMix(deletes, txns, txnKeys)
                .withBinaryKeys(binary);
    }

    private static double share(String property, double defaultValue) {
        String v = value(property);
        try {
            return v == null ? defaultValue : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + ": '" + v + "' is not a number; give a share such as 0.1");
        }
    }

    private static int count(String property, int defaultValue) {
        String v = value(property);
        try {
            return v == null ? defaultValue : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + ": '" + v + "' is not a whole number");
        }
    }

    /** The property's trimmed value, or null when it is unset or blank. */
    private static String value(String property) {
        String v = System.getProperty(property);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static boolean flag(String property, boolean defaultValue) {
        String v = value(property);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(property + ": '" + v + "' is neither true nor false");
        };
    }
}
