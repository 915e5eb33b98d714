package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code -c ferry.yaml} option every command shares. {@link Ferry#NEED_CONFIG} makes it required where a
 * forgotten one would act on the wrong servers; elsewhere, without it, embedded defaults apply.
 */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML configuration file; required by every command that changes or judges state. Where it is "
                    + "optional, its absence means the embedded defaults (etcd on 127.0.0.1:2379, an in-process Kafka broker, "
                    + "SQLite in ./ferry.db).")
    Path file;

    FerryConfig load() {
        return file == null ? FerryConfig.fromMap(java.util.Map.of()) : FerryConfig.load(file, System.getenv());
    }

    String describeSource() {
        return file == null ? "embedded defaults" : file.toString();
    }
}
