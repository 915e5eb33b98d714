package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves on this OS that kill() is SIGKILL and stop() is SIGTERM, which failure tests rely on. */
class ProcessesTest {

    @TempDir
    Path dir;

    @Test
    void killSendsSigkill() {
        Process p = Processes.start(List.of("sleep", "60"), dir.resolve("out.log"), Map.of());
        assertEquals(Processes.SIGKILL_EXIT, Processes.kill(p));
    }

    @Test
    void stopSendsSigtermWhichAShellTrapSees() throws Exception {
        Path marker = dir.resolve("got-term");
        Process p = Processes.start(List.of("bash", "-c", "trap 'touch " + marker + "; exit 7' TERM; echo ready; while :; do sleep 0.1; done"),
                dir.resolve("out.log"), Map.of());
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(dir.resolve("out.log")) && Files.readString(dir.resolve("out.log")).contains("ready"));
        assertEquals(7, Processes.stop(p, Duration.ofSeconds(10)));
        assertTrue(Files.exists(marker));
    }

    @Test
    void pauseStopsTheProcessAndResumeContinuesIt() throws Exception {
        Process p = Processes.start(List.of("sleep", "60"), dir.resolve("out.log"), Map.of());
        try {
            Processes.pause(p);
            // The kernel's own word: state T is "stopped by a job-control signal".
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state(p) == 'T');
            assertTrue(p.isAlive());

            Processes.resume(p);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state(p) != 'T');
        } finally {
            Processes.kill(p);
        }
    }

    private static char state(Process p) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
        // "pid (comm) S ...": the state follows the command name's closing parenthesis.
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    @Test
    void tailReturnsTheLastLinesEvenWithInvalidUtf8() throws Exception {
        Path log = dir.resolve("x.log");
        Files.write(log, new byte[] {'a', '\n', (byte) 0xff, '\n', 'c', '\n'});
        String tail = Processes.tail(log, 2);
        assertTrue(tail.endsWith("\uFFFD\nc"), tail);
    }
}
