package io.ferry.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdServerIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @Test
    void putThenGetReadsTheExactBytesBack() throws Exception {
        ByteSequence key = ByteSequence.from(new byte[] {'k', 0, (byte) 0xff});
        byte[] value = {0, (byte) 0xc3, (byte) 0x28, 'v'};
        KV kv = ETCD.client().getKVClient();
        kv.put(key, ByteSequence.from(value)).get(10, TimeUnit.SECONDS);

        List<KeyValue> got = kv.get(key).get(10, TimeUnit.SECONDS).getKvs();

        assertEquals(1, got.size());
        assertArrayEquals(value, got.get(0).getValue().getBytes());
        assertTrue(ETCD.endpoint().startsWith("http://127.0.0.1:"), ETCD.endpoint());
    }

    @Test
    void dataSurvivesKillNineAndStart() throws Exception {
        ByteSequence key = ByteSequence.from("survivor", UTF_8);
        long revision = ETCD.client().getKVClient().put(key, ByteSequence.from("before-crash", UTF_8))
                .get(10, TimeUnit.SECONDS).getHeader().getRevision();

        ETCD.kill();
        ETCD.start();

        List<KeyValue> got = ETCD.client().getKVClient().get(key).get(30, TimeUnit.SECONDS).getKvs();
        assertEquals(1, got.size());
        assertEquals("before-crash", got.get(0).getValue().toString(UTF_8));
        assertEquals(revision, got.get(0).getModRevision());
    }

    @Test
    void compactionRemovesOldRevisions() throws Exception {
        ByteSequence key = ByteSequence.from("compacted", UTF_8);
        KV kv = ETCD.client().getKVClient();
        long first = kv.put(key, ByteSequence.from("1", UTF_8)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        long second = kv.put(key, ByteSequence.from("2", UTF_8)).get(10, TimeUnit.SECONDS).getHeader().getRevision();

        ETCD.compact(second);

        assertEquals("2", kv.get(key).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue().toString(UTF_8));
        ExecutionException old = assertThrows(ExecutionException.class,
                () -> kv.get(key, GetOption.builder().withRevision(first).build()).get(10, TimeUnit.SECONDS));
        assertTrue(String.valueOf(old.getCause()).contains("compacted"), String.valueOf(old.getCause()));
    }

    @Test
    void externalEndpointsAreUsedAsTheyAreAndCannotBeKilled() throws Exception {
        try (EtcdServer external = new EtcdServer(ETCD.endpoint(), List.of())) {
            external.start();
            ByteSequence key = ByteSequence.from("via-external", UTF_8);
            external.client().getKVClient().put(key, ByteSequence.from("seen", UTF_8)).get(10, TimeUnit.SECONDS);

            assertEquals(ETCD.endpoint(), external.endpoint());
            assertEquals("seen", ETCD.client().getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue().toString(UTF_8));
            IllegalStateException refused = assertThrows(IllegalStateException.class, external::kill);
            assertTrue(refused.getMessage().contains(EtcdServer.ENV_ENDPOINTS), refused.getMessage());
        }
        // Closing the external view must leave the real server running.
        assertEquals(1, ETCD.client().getKVClient().get(ByteSequence.from("via-external", UTF_8)).get(10, TimeUnit.SECONDS).getCount());
    }

    @Test
    void restartIsAGracefulStopThenStartOnTheSamePort() throws Exception {
        String before = ETCD.endpoint();
        ByteSequence key = ByteSequence.from("graceful", UTF_8);
        ETCD.client().getKVClient().put(key, ByteSequence.from("kept", UTF_8)).get(10, TimeUnit.SECONDS);

        ETCD.restart();

        assertEquals(before, ETCD.endpoint());
        assertEquals("kept", ETCD.client().getKVClient().get(key).get(30, TimeUnit.SECONDS).getKvs().get(0).getValue().toString(UTF_8));
    }
}
