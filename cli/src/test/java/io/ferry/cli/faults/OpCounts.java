package io.ferry.cli.faults;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What the workload did, for the report: etcd requests by kind and the key writes they made. */
final class OpCounts {

    final AtomicLong requests = new AtomicLong();
    final AtomicLong puts = new AtomicLong();
    final AtomicLong deletes = new AtomicLong();
    final AtomicLong txns = new AtomicLong();
    final AtomicLong txnOps = new AtomicLong();
    final AtomicLong maxTxns = new AtomicLong();
    final AtomicLong rangeDeletes = new AtomicLong();
    final AtomicLong leasePuts = new AtomicLong();
    final AtomicLong leaseRevokes = new AtomicLong();
    final AtomicLong binaryKeyWrites = new AtomicLong();
    final AtomicLong largeValues = new AtomicLong();
    final AtomicLong emptyValues = new AtomicLong();
    final AtomicLong pausedMillis = new AtomicLong();

    Map<String, Object> toMap(long keyWrites) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_writes_acknowledged", keyWrites);
        m.put("etcd_requests", requests.get());
        m.put("single_puts", puts.get());
        m.put("single_deletes", deletes.get());
        m.put("transactions", txns.get());
        m.put("transaction_ops", txnOps.get());
        m.put("transactions_with_128_ops", maxTxns.get());
        m.put("range_deletes", rangeDeletes.get());
        m.put("lease_puts", leasePuts.get());
        m.put("lease_revokes", leaseRevokes.get());
        m.put("binary_key_writes", binaryKeyWrites.get());
        m.put("large_values_200KiB", largeValues.get());
        m.put("empty_values", emptyValues.get());
        m.put("paused_for_etcd_restarts_ms", pausedMillis.get());
        return m;
    }
}
