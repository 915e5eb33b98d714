package io.ferry.sink;

import io.ferry.core.config.FerryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a sink in a child JVM, so a test can kill -9 it. Arguments are {@code key=value}
 * settings; the child runs until it is killed.
 */
public final class SinkChild {

    private SinkChild() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            settings.put(a.substring(0, eq), a.substring(eq + 1));
        }
        JdbcSink sink = JdbcSink.create(FerryConfig.fromMap(settings), new SimpleMeterRegistry());
        sink.start();
        System.out.println("sink child started");
        Thread.currentThread().join();
    }

    static Process launch(Map<String, Object> settings, String name) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), SinkChild.class.getName()));
        settings.forEach((k, v) -> cmd.add(k + "=" + v));
        Path log = Files.createDirectories(Path.of("target", "sink-child")).resolve(name + ".log");
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
