package io.ferry.cli;

import io.ferry.core.config.ConfigDocs;
import io.ferry.core.config.FerryConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints the configuration reference that docs/configuration.md holds. */
@Command(name = "config-docs", description = "Print the configuration reference (docs/configuration.md) generated from the key declarations.")
final class ConfigDocsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = "--yaml", description = "Print a complete annotated ferry.yaml (docs/ferry.yaml) instead.")
    boolean yaml;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(yaml ? ConfigDocs.yaml(FerryConfig.definition()) : ConfigDocs.markdown(FerryConfig.definition()));
        spec.commandLine().getOut().flush();
        return Ferry.EXIT_OK;
    }
}
