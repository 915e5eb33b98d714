package io.ferry.cli;

import io.ferry.cli.preflight.Part;
import io.ferry.cli.preflight.Preflight;
import io.ferry.cli.preflight.TopicWriterCheck;
import io.ferry.clients.EtcdClients;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.SigningConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Validates a configuration and prints it as Ferry will use it, secrets masked. Files it names are
 * read too: the etcd CA, certificate and key must parse, and the key must belong to the certificate.
 * With {@code --connect}, a preflight: it reaches the servers ({@link Preflight}).
 */
@Command(name = "check", description = {"Validate a configuration file and print the effective settings (secrets masked).",
    "With a Kafka cluster configured, also warn about any principal but the watcher's that may write the change topic.",
    "With --connect, reach etcd, Kafka and the database as the configuration says, and check what the part of Ferry "
        + "needs there: one line per check, exit code 0 only when none failed."})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--connect", description = "Reach the servers and check permissions, topics and settings (a preflight).")
    boolean connect;

    @Option(names = "--for", paramLabel = "PART", defaultValue = "all",
            description = "With --connect: the part this file is for, so that only its servers and permissions are checked: "
                    + "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: every server, as ferry run and the cutover need).")
    Part part;

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
        if (!connect) {
            TopicWriterCheck.print(c, out);
            return Ferry.EXIT_OK;
        }
        out.println("Reaching the servers as the part '" + part.name().toLowerCase(java.util.Locale.ROOT) + "' would:");
        return Preflight.run(c, part, out) ? Ferry.EXIT_OK : Ferry.EXIT_ERROR;
    }
}
