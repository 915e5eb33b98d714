package io.ferry.reverse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.ferry.testkit.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The reverse writer's etcd side on a real etcd: limits, order, the position, and both fences. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EtcdApplierIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    private static final byte[] VERSION = utf8("/ra/ferry.cutover.migrated");
    private static final byte[] POSITION = utf8("/ra/ferry.reverse.position");
    private static final byte[] SQL_AUTHORITATIVE = Authority.switched(10, "d");

    @Test
    void manyChangesWithRepeatedKeysLandInOrderInTransactionsEtcdAccepts() throws Exception {
        KV kv = setUp("/ra/a/");
        List<SqlChange> changes = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            changes.add(change("/ra/a/k" + (i % 40), "v" + i, i)); // every key six or seven times, so runs must split
        }
        changes.add(change("/ra/a/k3", null, 250)); // and a delete last
        int[] transactions = {0};
        EtcdApplier applier = applier(kv);

        assertEquals(EtcdApplier.Outcome.APPLIED, applier.apply(changes, n -> transactions[0]++));

        assertTrue(transactions[0] >= 7, "no key twice in one transaction: " + transactions[0]);
        assertEquals("v249", value(kv, "/ra/a/k9"), "the last change to a key wins");
        assertEquals(null, value(kv, "/ra/a/k3"));
        assertEquals(7, version(kv, "/ra/a/k9"), "each change is one etcd write, none doubled");
        ReversePosition p = ReversePosition.fromJson(kv.get(ByteSequence.from(POSITION)).get().getKvs().get(0).getValue().getBytes());
        assertEquals(251, p.applied());
        assertEquals(250, p.order()[0]);
    }

    @Test
    void aFlippedVersionKeyFencesTheWriterAndNothingMoreReachesEtcd() throws Exception {
        KV kv = setUp("/ra/b/");
        EtcdApplier applier = applier(kv);
        assertEquals(EtcdApplier.Outcome.APPLIED, applier.apply(List.of(change("/ra/b/x", "1", 1)), n -> { }));
        kv.put(ByteSequence.from(VERSION), ByteSequence.from(Authority.rolledBack(10, 1))).get(10, TimeUnit.SECONDS);

        assertEquals(EtcdApplier.Outcome.FENCED, applier.apply(List.of(change("/ra/b/x", "2", 2)), n -> { }));
        assertEquals("1", value(kv, "/ra/b/x"));
        assertTrue(applier.whyFenced().contains("etcd is authoritative again"), applier.whyFenced());
    }

    @Test
    void aSecondWriterOnTheSamePositionIsFenced() throws Exception {
        KV kv = setUp("/ra/c/");
        EtcdApplier first = applier(kv);
        EtcdApplier second = applier(kv);
        assertEquals(EtcdApplier.Outcome.APPLIED, first.apply(List.of(change("/ra/c/x", "1", 1)), n -> { }));

        assertEquals(EtcdApplier.Outcome.FENCED, second.apply(List.of(change("/ra/c/x", "2", 2)), n -> { }));
        assertTrue(second.whyFenced().contains("another ferry reverse"), second.whyFenced());
        assertEquals("1", value(kv, "/ra/c/x"));
    }

    private static KV setUp(String prefix) throws Exception {
        KV kv = ETCD.client().getKVClient();
        kv.put(ByteSequence.from(VERSION), ByteSequence.from(SQL_AUTHORITATIVE)).get(10, TimeUnit.SECONDS);
        kv.put(ByteSequence.from(POSITION), ByteSequence.from(ReversePosition.seed("postgres", Map.of("server", "s"), Map.of())
                .toJson())).get(10, TimeUnit.SECONDS);
        return kv;
    }

    private static EtcdApplier applier(KV kv) throws Exception {
        KeyValue p = kv.get(ByteSequence.from(POSITION)).get(10, TimeUnit.SECONDS).getKvs().get(0);
        return new EtcdApplier(kv, VERSION, SQL_AUTHORITATIVE, POSITION, ReversePosition.fromJson(p.getValue().getBytes()),
                p.getModRevision());
    }

    private static SqlChange change(String key, String value, long order) {
        return new SqlChange(utf8(key), value == null ? null : utf8(value), new long[] {order, 0}, Map.of("server", "s"),
                Map.of("lsn", order));
    }

    private static String value(KV kv, String key) throws Exception {
        List<KeyValue> kvs = kv.get(ByteSequence.from(utf8(key)), GetOption.DEFAULT).get(10, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    }

    private static long version(KV kv, String key) throws Exception {
        return kv.get(ByteSequence.from(utf8(key))).get(10, TimeUnit.SECONDS).getKvs().get(0).getVersion();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
