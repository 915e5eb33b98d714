package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code ferry sink}: one sink of the consumer group, Kafka to SQL. */
@Command(name = "sink", description = "Run a sink: apply the change topic to SQL. Several sinks share the partitions.")
final class SinkCommand extends ServiceCommand {

    @Override
    List<ServiceRunner.Starter> parts(FerryConfig c) {
        return List.of(Services::sink);
    }
}
