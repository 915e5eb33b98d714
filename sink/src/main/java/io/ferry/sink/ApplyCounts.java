package io.ferry.sink;

/** What one batch did to rows, for metrics: counted per statement outcome, never per key. */
final class ApplyCounts {

    long applied;
    long skippedStale;
    long deleted;
    long superseded;
    long swept;
    long lateWrites;

    void add(ApplyCounts other) {
        applied += other.applied;
        skippedStale += other.skippedStale;
        deleted += other.deleted;
        superseded += other.superseded;
        swept += other.swept;
        lateWrites += other.lateWrites;
    }
}
