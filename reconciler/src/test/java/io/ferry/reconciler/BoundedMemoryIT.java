package io.ferry.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.ferry.core.KeyRanges;
import io.ferry.reconciler.etcd.EtcdPager;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconciler's memory is bounded by its page size, not by the number of keys: a keyspace
 * whose values alone are about twice the heap is reconciled in a JVM capped at 64 MiB, with
 * half of it missing from SQL, so the differences must stream to disk as well.
 */
@Timeout(600)
class BoundedMemoryIT {

    private static final int KEYS = 120_000;
    private static final int VALUE_BYTES = 1024;
    private static final String PREFIX = "/mem/";

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.sqlite();

    @Test
    void aKeyspaceTwiceTheHeapReconcilesIn64MiB() throws Exception {
        SqlFixture.createTables(DB);
        List<byte[][]> kvs = new ArrayList<>(KEYS);
        for (int i = 0; i < KEYS; i++) {
            byte[] value = new byte[VALUE_BYTES];
            Arrays.fill(value, (byte) ('a' + i % 26));
            kvs.add(new byte[][] {String.format("%skey-%07d", PREFIX, i).getBytes(StandardCharsets.UTF_8), value});
        }
        EtcdFixture.putAll(ETCD.client(), kvs);
        kvs.clear();
        long revision = ETCD.client().getKVClient().get(ByteSequence.from(new byte[] {0})).get().getHeader().getRevision();
        // SQL holds every other key: half the ranges differ all the way down.
        List<Row> half = new ArrayList<>();
        byte[] from = PREFIX.getBytes(StandardCharsets.UTF_8);
        ByteSequence end = ByteSequence.from(KeyRanges.prefixEnd(from));
        long seen = 0;
        while (true) {
            GetResponse page = ETCD.client().getKVClient().get(ByteSequence.from(from),
                    GetOption.builder().withRange(end).withLimit(2000).withRevision(revision).build()).get();
            for (KeyValue kv : page.getKvs()) {
                if (seen++ % 2 == 0) {
                    half.add(EtcdPager.toRow(kv));
                }
            }
            if (!page.isMore()) {
                break;
            }
            from = KeyRanges.successor(page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes());
        }
        assertEquals(KEYS, seen);
        SqlFixture.insert(DB, half);
        SqlFixture.execute(DB, "INSERT INTO ferry_offsets (topic, partition_id, next_offset, watermark) VALUES ('t', 0, 0, ?)", revision);
        half.clear();

        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), BoundedMemoryMain.class.getName(),
                ETCD.endpoint(), DB.jdbcUrl(), PREFIX, Long.toString(revision));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the reconciliation did not finish:\n" + out);
        assertEquals(0, p.exitValue(), "the reconciliation failed under a 64 MiB heap:\n" + out);
        String line = out.lines().filter(l -> l.startsWith("etcd_keys=")).findFirst().orElseThrow(() -> new AssertionError(out));
        System.out.println("bounded memory: " + line);
        assertTrue(line.startsWith("etcd_keys=" + KEYS + " sql_rows=" + KEYS / 2 + " missing=" + KEYS / 2 + " total=" + KEYS / 2),
                line);
    }
}
