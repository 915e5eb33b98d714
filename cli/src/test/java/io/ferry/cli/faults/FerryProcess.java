package io.ferry.cli.faults;

import io.ferry.testkit.Processes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One Ferry process ({@code java -jar ferry.jar <command> -c <config>}) that the fault schedule
 * kills and starts. It remembers whether it is meant to run, so the supervisor can tell a fault the
 * schedule injected from a process that exited by itself.
 */
final class FerryProcess {

    static final Path JAR = Path.of("target", "ferry.jar").toAbsolutePath();

    private final String name;
    private final String command;
    private final Path config;
    private final Path log;
    private final String readyLine;
    private Process process;
    private boolean wanted;
    private int starts;
    private long scanned;
    private boolean readySinceStart;

    FerryProcess(String name, String command, Path config, Path dir) {
        this.name = name;
        this.command = command;
        this.config = config;
        this.log = dir.resolve(name + ".log");
        // The INFO lines that say the process does its job: the watch streams, the sink consumes.
        this.readyLine = command.equals("watch") ? "-> STREAMING" : "Sink state: CREATED -> RUNNING";
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    synchronized void start() {
        starts++;
        note("=== start #" + starts + " at " + Instant.now());
        scanned = size();
        readySinceStart = false;
        process = Processes.start(javaCommand(command, config), log, Map.of());
        wanted = true;
    }

    /** SIGKILL, as a crash; the process stays down until {@link #start()}. */
    synchronized void kill() {
        wanted = false;
        if (process != null && process.isAlive()) {
            note("=== kill -9 at " + Instant.now());
            Processes.kill(process);
        }
    }

    /** SIGTERM with a grace period, as an operator stops it. */
    synchronized void stop() {
        wanted = false;
        if (process != null && process.isAlive()) {
            note("=== stop at " + Instant.now());
            Processes.stop(process, Duration.ofSeconds(30));
        }
    }

    /**
     * Waits until the process has logged that it works since its last start, or {@code limit} passes;
     * returns whether it got there. Killing only ready processes (mostly) keeps a slow machine from
     * turning the run into endless start-ups, where nothing is ever replicated.
     */
    boolean awaitReady(Duration limit) {
        try {
            Awaitility.await(name + " ready").atMost(limit).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                    .until(this::ready);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private synchronized boolean ready() {
        if (readySinceStart) {
            return true;
        }
        long end = size();
        if (end <= scanned) {
            return false;
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(scanned);
            byte[] bytes = new byte[(int) Math.min(end - scanned, 64 * 1024 * 1024)];
            f.readFully(bytes);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            if (text.contains(readyLine)) {
                scanned = end;
                readySinceStart = true;
                return true;
            }
            // Keep an overlap, in case the line is still being written.
            scanned = Math.max(scanned, scanned + bytes.length - readyLine.length());
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private long size() {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /**
     * If the process is meant to run but has exited, starts it again as a supervisor (systemd,
     * Kubernetes) would, and returns its exit code; else returns null.
     */
    synchronized Integer restartIfExited() {
        if (!wanted || process == null || process.isAlive()) {
            return null;
        }
        int exit = process.exitValue();
        start();
        return exit;
    }

    /** The last {@code max} log lines that match {@code regex}, for the report. */
    List<String> lines(String regex, int max) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(log), StandardCharsets.UTF_8))) {
            java.util.Deque<String> last = new java.util.ArrayDeque<>();
            reader.lines().filter(l -> l.startsWith("===") || p.matcher(l).find()).forEach(l -> {
                if (last.size() == max) {
                    last.removeFirst();
                }
                last.addLast(l.length() > 300 ? l.substring(0, 300) : l);
            });
            return List.copyOf(last);
        } catch (IOException | UncheckedIOException e) {
            return List.of("(could not read " + log + ": " + e + ")");
        }
    }

    String tail() {
        return Processes.tail(log, 40);
    }

    static List<String> javaCommand(String command, Path config, String... args) {
        // C1 and the serial collector: several Ferry JVMs, a broker and the test share two cores.
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError",
                "-jar", JAR.toString(), command, "-c", config.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void note(String line) {
        try {
            Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + log, e);
        }
    }
}
