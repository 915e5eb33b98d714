package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code ferry watch}: the watcher alone, etcd to Kafka. */
@Command(name = "watch", description = "Run the watcher: snapshot etcd, then stream every change into Kafka.")
final class WatchCommand extends ServiceCommand {

    @Override
    List<ServiceRunner.Starter> parts(FerryConfig c) {
        return List.of(Services::watcher);
    }
}
