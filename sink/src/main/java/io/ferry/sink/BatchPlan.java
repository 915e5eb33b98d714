package io.ferry.sink;

import java.util.ArrayList;
import java.util.List;

/**
 * What one poll turns into: one plan per partition, applied in one SQL transaction per writer
 * ({@link #shares}), and the records bound for the dead-letter topic.
 *
 * @param partitions per-partition plans, in partition order (the lock order of the fences)
 * @param deadLetters bad records to send to the dead-letter topic before the commit
 * @param records how many records the poll returned
 */
record BatchPlan(List<PartitionPlan> partitions, List<BadRecord> deadLetters, int records) {

    boolean advances() {
        return partitions.stream().anyMatch(PartitionPlan::advances);
    }

    /**
     * The plan split between {@code writers} writers: writer i takes the partitions whose number is i modulo
     * {@code writers}, so that a partition always goes to the same writer, and each share keeps partition order
     * (the lock order of its fences). A share may be empty. The dead letters stay with this plan: they are sent
     * before any share is written.
     */
    List<BatchPlan> shares(int writers) {
        List<List<PartitionPlan>> split = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            split.add(new ArrayList<>());
        }
        for (PartitionPlan p : partitions) {
            split.get(p.partition() % writers).add(p);
        }
        List<BatchPlan> shares = new ArrayList<>(writers);
        for (List<PartitionPlan> share : split) {
            shares.add(new BatchPlan(List.copyOf(share), List.of(), share.stream().mapToInt(PartitionPlan::records).sum()));
        }
        return shares;
    }
}
