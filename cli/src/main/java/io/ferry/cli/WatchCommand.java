package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ferry watch}: the watcher alone, etcd to Kafka. */
@Command(name = "watch", description = "Run the watcher: snapshot etcd, then stream every change into Kafka.")
final class WatchCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(WatchCommand.class);

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        FerryConfig c = config.load();
        Banner.logConfig(LOG, config.describeSource(), c);
        return ServiceRunner.start(c, false, List.of(Services::watcher)).runUntilStopped();
    }
}
