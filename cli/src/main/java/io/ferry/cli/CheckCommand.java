package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.SigningConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Validates a configuration and prints it as Ferry will use it, secrets masked. */
@Command(name = "check", description = {"Validate a configuration file and print the effective settings (secrets masked).",
    "With a Kafka cluster configured, also warn about any principal but the watcher's that may write the change topic."})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        FerryConfig c = config.load();
        SigningConfig.of(c); // reads signing.key.file: a missing file or a short key is a problem now, not at start
        var out = spec.commandLine().getOut();
        out.println("Configuration from " + config.describeSource() + " is valid. Effective settings:");
        c.describe().forEach(line -> out.println("  " + line));
        TopicWriterCheck.print(c, out);
        return Ferry.EXIT_OK;
    }
}
