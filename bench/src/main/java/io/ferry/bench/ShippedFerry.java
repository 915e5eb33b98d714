package io.ferry.bench;

import io.ferry.testkit.SqlDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bin/ferry run -c ferry.yaml} as users start it: the script, so its JVM settings are the shipped ones (a
 * 512 MiB heap unless {@code FERRY_JAVA_OPTS} says otherwise), in a child process whose log is kept.
 */
final class ShippedFerry implements Replication {

    private final ChildJvm process;
    private final Path log;

    private ShippedFerry(ChildJvm process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ShippedFerry run(Stack stack, String prefix, String topic, SqlDatabase db, Path work) throws IOException {
        Path script = Path.of("bin", "ferry").toAbsolutePath();
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("the shipped command " + script + " is missing; run the bench from the "
                    + "repository's root (bench/run does)");
        }
        Path config = work.resolve("ferry.yaml");
        Files.writeString(config, FerryYaml.of(stack, prefix, topic, db));
        Path log = work.resolve("ferry-run.log");
        return new ShippedFerry(ChildJvm.command(List.of(script.toString(), "run", "-c", config.toString()), log), log);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void check() {
        if (!process.alive()) {
            throw new IllegalStateException("ferry run exited; its log: " + log);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
