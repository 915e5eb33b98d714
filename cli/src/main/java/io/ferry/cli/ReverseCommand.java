package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ferry reverse}: the rollback path's reverse writer alone, SQL to etcd, for deployments that split the parts. */
@Command(name = "reverse", header = "Run the reverse writer: copy SQL's changes after a switch back into etcd.", description = {"Run the reverse writer: after a cutover's switch, copy every change applications",
    "make to the SQL table back into etcd (Debezium: pgoutput on PostgreSQL, the binlog on MySQL/MariaDB),",
    "so that ferry rollback loses nothing. Waits while etcd is authoritative. ferry run includes it."})
final class ReverseCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ReverseCommand.class);

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        FerryConfig c = config.load();
        Banner.logConfig(LOG, config.describeSource(), c);
        return ServiceRunner.start(c, false, List.of(Services::reverse)).runUntilStopped();
    }
}
