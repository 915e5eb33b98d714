package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ferry run}: the watcher and the sink in one process, the single-machine mode. With
 * {@code kafka.bootstrap: embedded} (the default) it also runs a Kafka broker in the process.
 */
@Command(name = "run", header = "Run the watcher, the sink and the reverse writer in one process.", description = {"Run the watcher and the sink in one process (single-machine mode), and on",
    "PostgreSQL, MySQL and MariaDB the reverse writer, which works only after a cutover's switch.",
    "With kafka.bootstrap: embedded (the default) it also runs an in-process Kafka broker."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        FerryConfig c = config.load();
        Banner.logConfig(LOG, config.describeSource(), c);
        List<ServiceRunner.Starter> parts = Services.hasChangeStream(c)
                ? List.of(Services::watcher, Services::sink, Services::reverse) : List.of(Services::watcher, Services::sink);
        return ServiceRunner.start(c, true, parts).runUntilStopped();
    }
}
