package io.ferry.reconciler;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.ferry.core.KeyRanges;
import io.ferry.reconciler.etcd.EtcdPager;
import io.ferry.reconciler.etcd.EtcdReads;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Loads keys into a real etcd in transactions of many puts, and reads a prefix back as rows. */
final class EtcdFixture {

    /** etcd's default --max-txn-ops. */
    private static final int OPS_PER_TXN = 128;

    private EtcdFixture() {
    }

    static void putAll(Client etcd, List<byte[][]> keyValues) throws Exception {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (int i = 0; i < keyValues.size(); i += OPS_PER_TXN) {
            List<Op> ops = new ArrayList<>();
            for (byte[][] kv : keyValues.subList(i, Math.min(keyValues.size(), i + OPS_PER_TXN))) {
                ops.add(Op.put(ByteSequence.from(kv[0]), ByteSequence.from(kv[1]), PutOption.DEFAULT));
            }
            inFlight.add(etcd.getKVClient().txn().Then(ops.toArray(new Op[0])).commit());
            if (inFlight.size() >= 16) {
                inFlight.remove(0).get(30, TimeUnit.SECONDS);
            }
        }
        for (CompletableFuture<?> f : inFlight) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    static List<Row> readPrefix(Client etcd, String prefix) throws Exception {
        byte[] from = prefix.getBytes(StandardCharsets.UTF_8);
        return EtcdReads.read("reading " + prefix, () -> etcd.getKVClient().get(ByteSequence.from(from), GetOption.builder()
                        .withRange(ByteSequence.from(KeyRanges.prefixEnd(from))).build()))
                .getKvs().stream().map(EtcdPager::toRow).toList();
    }

    static long put(Client etcd, byte[] key, byte[] value) throws Exception {
        return etcd.getKVClient().put(ByteSequence.from(key), ByteSequence.from(value)).get(10, TimeUnit.SECONDS)
                .getHeader().getRevision();
    }

    static long delete(Client etcd, byte[] key) throws Exception {
        return etcd.getKVClient().delete(ByteSequence.from(key)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
