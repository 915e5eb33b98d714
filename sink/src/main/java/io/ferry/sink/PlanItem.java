package io.ferry.sink;

/** What a partition's share of a batch holds, in offset order: row changes and snapshot brackets. */
sealed interface PlanItem permits RowChange, SnapshotMark {
}
