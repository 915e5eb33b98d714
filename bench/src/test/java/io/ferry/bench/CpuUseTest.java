package io.ferry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuUseTest {

    private static final String JAR = "/work/ferry/cli/target/ferry.jar";

    private static String name(String command, String... args) {
        return CpuUse.name(command, List.of(args), 42);
    }

    @Test
    void ferryIsNamedByItsSubcommandOnceTheScriptExecdItsJvm() {
        String java = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";
        assertEquals("ferry_watch", name(java, "java", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-jar", JAR,
                "watch", "-c", "/tmp/ferry-bench-shipped_split-1/ferry.yaml"));
        assertEquals("ferry_sink", name(java, "java", "-Xmx512m", "-jar", JAR, "sink", "-c", "/tmp/x/ferry.yaml"));
        assertEquals("ferry", name(java, "java", "-Xmx512m", "-jar", JAR, "run", "-c", "/tmp/x/ferry.yaml"));
        assertEquals("ferry_sink", name(java, "java", "-jar", JAR, "--verbose", "sink", "-c", "f.yaml"));
    }

    @Test
    void ferryIsNamedByItsSubcommandWhileTheScriptRuns() {
        assertEquals("ferry_watch", name("/usr/bin/bash", "bash", "/work/ferry/bin/ferry", "watch", "-c", "f.yaml"));
        assertEquals("ferry_sink", name("/usr/bin/bash", "bash", "bin/ferry", "sink", "-c", "f.yaml"));
        assertEquals("ferry", name("/usr/bin/bash", "bash", "/work/ferry/bin/ferry", "run", "-c", "f.yaml"));
    }

    @Test
    void theOtherChildren() {
        assertEquals("etcd", name("/opt/etcd/etcd", "/opt/etcd/etcd", "--data-dir", "/tmp/etcd"));
        assertEquals("kafka_broker", name("/usr/bin/java", "java", "-Xmx1G", "-cp", "/m2/kafka_2.13.jar", "kafka.Kafka",
                "server.properties"));
        assertEquals("child_42", name("/usr/bin/java", "java", "-cp", "/m2/other.jar:/m2/ferry.jar.bak", "Main"));
        assertEquals("child_42", name("", ""));
        assertEquals("child_42", name("/usr/bin/java", "java", "-cp", "/m2/kafka-clients.jar:/m2/connect-runtime.jar",
                "org.apache.kafka.connect.cli.ConnectStandalone", "worker.properties"));
        assertEquals("reconciler", name("/usr/bin/java", "java", "-Dbench.ferry.jar=" + JAR, "-cp", "bench.jar",
                "io.ferry.bench.ReconcileChild"));
    }

    @Test
    void databaseServersAreNamedByTheirComm() {
        assertEquals("postgres_server", CpuUse.serverName("postgres\n"));
        assertEquals("mariadb_server", CpuUse.serverName("mariadbd\n"));
        assertEquals("mariadb_server", CpuUse.serverName("mysqld\n"));
        assertNull(CpuUse.serverName("java\n"));
        assertNull(CpuUse.serverName("postgres_exporter\n"));
    }
}
