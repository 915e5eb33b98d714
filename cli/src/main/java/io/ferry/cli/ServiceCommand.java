package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;

/**
 * The base of the long-running commands ({@code run}, {@code watch}, {@code sink}, {@code reverse}): load the
 * configuration, log it, start the command's parts on one {@link ServiceRunner} and run until stopped.
 */
abstract class ServiceCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    /** The parts this command runs, started in this order, for the configuration {@code c}. */
    abstract List<ServiceRunner.Starter> parts(FerryConfig c);

    /** Whether this process runs the embedded Kafka broker when the configuration asks for one. */
    boolean ownsBroker() {
        return false;
    }

    @Override
    public final Integer call() throws Exception {
        FerryConfig c = config.load();
        Banner.logConfig(LoggerFactory.getLogger(getClass()), config.describeSource(), c);
        return ServiceRunner.start(c, ownsBroker(), parts(c)).runUntilStopped();
    }
}
