package io.ferry.cli;

import io.ferry.clients.EtcdClients;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.SigningConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Validates a configuration and prints it as Ferry will use it, secrets masked. Files it names are
 * read too: the etcd CA, certificate and key must parse, and the key must belong to the certificate.
 */
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
        String etcdTls = EtcdClients.checkTls(c.etcd());
        SigningConfig.of(c); // reads signing.key.file: a missing file or a short key is a problem now, not at start
        var out = spec.commandLine().getOut();
        out.println("Configuration from " + config.describeSource() + " is valid. Effective settings:");
        c.describe().forEach(line -> out.println("  " + line));
        out.println("etcd connection: " + etcdTls);
        TopicWriterCheck.print(c, out);
        return Ferry.EXIT_OK;
    }
}
