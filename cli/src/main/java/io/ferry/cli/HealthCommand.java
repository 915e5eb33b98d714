package io.ferry.cli;

import io.ferry.cli.http.HealthProbe;
import io.ferry.core.config.HttpConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry health}: asks the ferry process on this machine for {@code /health} (or {@code /ready}), for a
 * container's healthcheck. The image has no shell and no curl, so the check has to be the image's own binary.
 * Exit code 0 on 200, 1 on 503 with the reason the endpoint gave, 2 when nothing answers or there is no endpoint.
 */
@Command(name = "health", description = {"Ask the ferry process on this machine whether it is healthy (/health) or, "
        + "with --ready, ready (/ready): a healthcheck for containers, whose image has no shell or curl.",
    "Exit code 0 when it answers 200, 1 when it answers 503 (the line says why), 2 when nothing answers."})
final class HealthCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--ready", description = "Ask /ready (caught up within the bounds) instead of /health (alive).")
    boolean ready;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        HttpConfig http = config.load().http();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!http.enabled()) {
            err.println("ferry health: http.enabled is false in " + config.describeSource() + ": there is no endpoint to ask");
            return Ferry.EXIT_ERROR;
        }
        URI url;
        try {
            url = HealthProbe.address(http, ready ? "/ready" : "/health");
        } catch (IllegalArgumentException e) {
            err.println("ferry health: " + e.getMessage());
            return Ferry.EXIT_ERROR;
        }
        HealthProbe.Answer answer;
        try {
            answer = HealthProbe.ask(url, http);
        } catch (IOException e) {
            err.println("ferry health: nothing answers on " + url + ": " + e.getMessage());
            return Ferry.EXIT_ERROR;
        }
        return switch (answer.status()) {
            case 200 -> {
                out.println(url + ": " + answer.text());
                yield Ferry.EXIT_OK;
            }
            case 503 -> {
                out.println(url + ": " + answer.text()); // an answer, like reconcile's differences: not a failure to run
                yield Ferry.EXIT_DIFFERENCES;
            }
            default -> {
                err.println("ferry health: " + url + " answered " + answer.status() + ", which a ferry endpoint does not: "
                        + answer.text());
                yield Ferry.EXIT_ERROR;
            }
        };
    }
}
