package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code ferry reverse}: the rollback path's reverse writer alone, SQL to etcd, for deployments that split the parts. */
@Command(name = "reverse", header = "Run the reverse writer: copy SQL's changes after a switch back into etcd.", description = {"Run the reverse writer: after a cutover's switch, copy every change applications",
    "make to the SQL table back into etcd (Debezium: pgoutput on PostgreSQL, the binlog on MySQL/MariaDB),",
    "so that ferry rollback loses nothing. Waits while etcd is authoritative. ferry run includes it."})
final class ReverseCommand extends ServiceCommand {

    @Override
    List<ServiceRunner.Starter> parts(FerryConfig c) {
        return List.of(Services::reverse);
    }
}
