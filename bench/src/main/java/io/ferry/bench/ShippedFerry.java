package io.ferry.bench;

import io.ferry.testkit.SqlDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ferry as users start it, through {@code bin/ferry}, so its JVM settings are the shipped ones (a 512 MiB heap unless
 * {@code FERRY_JAVA_OPTS} says otherwise): {@code ferry run -c ferry.yaml} in one child process ({@link #run}), or
 * {@code ferry watch} and {@code ferry sink} with the same file in two ({@link #split}). Each process's log is kept.
 */
final class ShippedFerry implements Replication {

    /** One child: the subcommand it runs, the process and its log. */
    private record Part(String subcommand, ChildJvm process, Path log) {
    }

    private final List<Part> parts;

    private ShippedFerry(List<Part> parts) {
        this.parts = parts;
    }

    /** {@code ferry run}: the watcher and the sink in one process; its log is {@code ferry-run.log}. */
    static ShippedFerry run(Stack stack, String prefix, String topic, SqlDatabase db, Path work) throws IOException {
        return start(stack, prefix, topic, db, work, List.of("run"));
    }

    /**
     * {@code ferry watch} and {@code ferry sink} in two processes, with the same file; their logs are
     * {@code ferry-watch.log} and {@code ferry-sink.log}.
     */
    static ShippedFerry split(Stack stack, String prefix, String topic, SqlDatabase db, Path work) throws IOException {
        return start(stack, prefix, topic, db, work, List.of("watch", "sink"));
    }

    private static ShippedFerry start(Stack stack, String prefix, String topic, SqlDatabase db, Path work,
            List<String> subcommands) throws IOException {
        Path script = Path.of("bin", "ferry").toAbsolutePath();
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("the shipped command " + script + " is missing; run the bench from the "
                    + "repository's root (bench/run does)");
        }
        Path config = work.resolve("ferry.yaml");
        Files.writeString(config, FerryYaml.of(stack, prefix, topic, db));
        List<Part> parts = new ArrayList<>();
        try {
            for (String sub : subcommands) {
                Path log = work.resolve(log(sub));
                parts.add(new Part(sub, ChildJvm.command(List.of(script.toString(), sub, "-c", config.toString()), log),
                        log));
            }
        } catch (IOException | RuntimeException e) {
            new ShippedFerry(parts).closeQuietly();
            throw e;
        }
        return new ShippedFerry(parts);
    }

    /** The log's file name of {@code ferry <subcommand>}, in the work directory. */
    static String log(String subcommand) {
        return "ferry-" + subcommand + ".log";
    }

    @Override
    public void check() {
        for (Part p : parts) {
            if (!p.process().alive()) {
                throw new IllegalStateException("ferry " + p.subcommand() + " exited; its log: " + p.log());
            }
        }
    }

    /** Stops every process, each with SIGTERM and then SIGKILL after 30 s, in the order they started. */
    @Override
    public void close() throws InterruptedException {
        InterruptedException interrupted = null;
        for (Part p : parts) {
            try {
                p.process().close();
            } catch (InterruptedException e) {
                interrupted = e;
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
