package io.ferry.sink;

import java.util.List;

/**
 * What one poll turns into: one plan per partition, applied in one SQL transaction, and the
 * records bound for the dead-letter topic.
 *
 * @param partitions per-partition plans, in partition order (the lock order of the fences)
 * @param deadLetters bad records to send to the dead-letter topic before the commit
 * @param records how many records the poll returned
 */
record BatchPlan(List<PartitionPlan> partitions, List<BadRecord> deadLetters, int records) {

    boolean advances() {
        return partitions.stream().anyMatch(PartitionPlan::advances);
    }
}
