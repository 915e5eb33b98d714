package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ferry sink}: one sink of the consumer group, Kafka to SQL. */
@Command(name = "sink", description = "Run a sink: apply the change topic to SQL. Several sinks share the partitions.")
final class SinkCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(SinkCommand.class);

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        FerryConfig c = config.load();
        Banner.logConfig(LOG, config.describeSource(), c);
        return ServiceRunner.start(c, false, List.of(Services::sink)).runUntilStopped();
    }
}
