package io.ferry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuPerWriteTest {

    @Test
    void othersIsTheMachineLessEveryNamedProcessTheDatabaseServersIncluded() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put("bench_jvm", 1.0);
        seconds.put("etcd", 2.0);
        seconds.put("ferry_watch", 0.5);
        seconds.put("ferry_sink", 0.25);
        seconds.put("postgres_server", 1.5);
        seconds.put("mariadb_server", 0.25);
        seconds.put("machine", 6.0);
        Map<String, Double> perWrite = CpuPerWrite.of(seconds, 1000);
        assertEquals(500, perWrite.get("ferry_watch"), 1e-9);
        assertEquals(1500, perWrite.get("postgres_server"), 1e-9);
        assertEquals(500, perWrite.get("others"), 1e-9);
        assertEquals(6000, perWrite.get("machine"), 1e-9);
    }
}
