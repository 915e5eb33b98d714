package io.ferry.reverse;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How far reverse replication has got, as etcd's position key records it, for {@code ferry status}.
 *
 * @param applied SQL changes copied into etcd since the switch
 * @param lastAppliedAtMs when the last one was (or the capture opened, before any), ms since the epoch
 * @param revision the etcd revision of the last reverse transaction
 */
public record ReverseProgress(long applied, long lastAppliedAtMs, long revision) {

    public static Optional<ReverseProgress> read(KV kv, byte[] positionKey) throws Exception {
        List<KeyValue> kvs = kv.get(ByteSequence.from(positionKey)).get(30, TimeUnit.SECONDS).getKvs();
        if (kvs.isEmpty()) {
            return Optional.empty();
        }
        ReversePosition p = ReversePosition.fromJson(kvs.get(0).getValue().getBytes());
        return Optional.of(new ReverseProgress(p.applied(), p.appliedAt(), kvs.get(0).getModRevision()));
    }
}
