package io.ferry.reconciler.etcd;

import io.ferry.reconciler.Row;
import java.util.List;

/**
 * One page of etcd keys at a fixed revision, covering the half-open range [{@code from}, {@code to}):
 * every key etcd holds in that range is in {@code rows}, in key order.
 *
 * @param from inclusive start
 * @param to exclusive end
 * @param rows the keys, in order
 * @param bytes total key and value bytes, for progress and page sizing
 */
public record EtcdPage(byte[] from, byte[] to, List<Row> rows, long bytes) {
}
