package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code ferry run}: the watcher and the sink in one process, the single-machine mode. With
 * {@code kafka.bootstrap: embedded} (the default) it also runs a Kafka broker in the process.
 */
@Command(name = "run", header = "Run the watcher, the sink and the reverse writer in one process.", description = {"Run the watcher and the sink in one process (single-machine mode), and on",
    "PostgreSQL, MySQL and MariaDB the reverse writer, which works only after a cutover's switch.",
    "With kafka.bootstrap: embedded (the default) it also runs an in-process Kafka broker."})
final class RunCommand extends ServiceCommand {

    @Override
    List<ServiceRunner.Starter> parts(FerryConfig c) {
        return Services.hasChangeStream(c)
                ? List.of(Services::watcher, Services::sink, Services::reverse) : List.of(Services::watcher, Services::sink);
    }

    @Override
    boolean ownsBroker() {
        return true;
    }
}
