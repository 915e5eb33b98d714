package io.ferry.watcher;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A {@link WatcherMain} in its own JVM, on this JVM's class path, that a test can SIGKILL. */
final class ChildWatcher implements AutoCloseable {

    private final Process process;
    private final Path output;

    ChildWatcher(Map<String, Object> settings, String name) throws IOException {
        // Under target/, so that the logs of killed children stay with the build for diagnosis.
        output = Files.createTempFile(Files.createDirectories(Path.of("target", "child-watchers")), name + "-", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), WatcherMain.class.getName()));
        settings.forEach((k, v) -> command.add(k + "=" + v));
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Whether the child has printed that it reached {@code state}. */
    boolean reached(WatcherState state) throws IOException {
        return Files.readAllLines(output).contains("STATE " + state);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook, no commit. */
    void kill() {
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the child watcher", e);
        }
    }

    File log() {
        return output.toFile();
    }

    @Override
    public void close() {
        kill();
    }
}
