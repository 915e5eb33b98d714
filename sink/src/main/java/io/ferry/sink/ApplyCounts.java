package io.ferry.sink;

/** What one batch did to rows, for metrics: counted per statement outcome, never per key. */
final class ApplyCounts {

    long applied;
    long skippedStale;
    long deleted;
    long superseded;
    long swept;
    long lateWrites;
    /** Values that did not decode for their mapping, by mapped table and failure category. */
    final java.util.Map<java.util.List<String>, Long> decodeFailures = new java.util.HashMap<>();

    void decodeFailure(String table, String category) {
        decodeFailures.merge(java.util.List.of(table, category), 1L, Long::sum);
    }

    void add(ApplyCounts other) {
        applied += other.applied;
        skippedStale += other.skippedStale;
        deleted += other.deleted;
        superseded += other.superseded;
        swept += other.swept;
        lateWrites += other.lateWrites;
        other.decodeFailures.forEach((k, n) -> decodeFailures.merge(k, n, Long::sum));
    }
}
