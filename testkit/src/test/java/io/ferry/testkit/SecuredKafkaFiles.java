package io.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * {@code server.properties} of {@link SecuredKafka}: Apache's shipped single-node settings
 * ({@code config/server.properties} of Kafka 4: replication factor 1 for the internal topics, the
 * rest at the broker's defaults, automatic topic creation left on) plus TLS on every listener,
 * SCRAM, mutual TLS and the standard authorizer with no access unless an ACL allows it.
 */
final class SecuredKafkaFiles {

    /** The listener names; each is also the name of its security protocol where they are equal. */
    static final String SASL_SSL = "SASL_SSL";
    static final String SSL = "SSL";
    static final String INTERNAL = "INTERNAL";
    static final String CONTROLLER = "CONTROLLER";

    /** Maps the subject {@code CN=name} of a client certificate to the principal {@code User:name}. */
    static final String PRINCIPAL_FROM_CN = "RULE:^CN=([^,]+)$/$1/,DEFAULT";

    private SecuredKafkaFiles() {
    }

    /**
     * Writes the properties. The client listeners present {@code clientFacing}; the broker's own
     * connections (inter-broker and to its controller) use the {@code broker} identity on both ends,
     * over mutual TLS, so that its principal is {@code User:<broker CN>}, a super user.
     */
    static Path writeServerProperties(Path dir, ListenerPorts ports, TestCertificates certs, TestCertificates.Identity clientFacing,
            TestCertificates.Identity broker, String superUsers, Map<String, String> overrides) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + ports.controller());
        p.setProperty("listeners", SASL_SSL + "://127.0.0.1:" + ports.saslSsl() + "," + SSL + "://127.0.0.1:" + ports.ssl() + ","
                + INTERNAL + "://127.0.0.1:" + ports.internal() + "," + CONTROLLER + "://127.0.0.1:" + ports.controller());
        p.setProperty("advertised.listeners", SASL_SSL + "://127.0.0.1:" + ports.saslSsl() + "," + SSL + "://127.0.0.1:" + ports.ssl()
                + "," + INTERNAL + "://127.0.0.1:" + ports.internal());
        p.setProperty("listener.security.protocol.map", SASL_SSL + ":SASL_SSL," + SSL + ":SSL," + INTERNAL + ":SSL," + CONTROLLER + ":SSL");
        p.setProperty("controller.listener.names", CONTROLLER);
        p.setProperty("inter.broker.listener.name", INTERNAL);
        p.setProperty("log.dirs", dir.resolve("data").toString());
        // As Apache's shipped single-node server.properties has them: one node holds one replica.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");

        // TLS: the broker's own identity by default, the client-facing one on the client listeners.
        store(p, "ssl.keystore", broker.keyStore());
        store(p, "ssl.truststore", certs.trustStore());
        for (String listener : new String[] {SASL_SSL, SSL}) {
            store(p, "listener.name." + listener.toLowerCase() + ".ssl.keystore", clientFacing.keyStore());
        }
        // Per listener: on SASL_SSL listeners Kafka ignores the top-level ssl.client.auth (KIP-684).
        p.setProperty("listener.name.ssl.ssl.client.auth", "required");
        p.setProperty("listener.name.internal.ssl.client.auth", "required");
        p.setProperty("listener.name.controller.ssl.client.auth", "required");
        p.setProperty("ssl.principal.mapping.rules", PRINCIPAL_FROM_CN);

        p.setProperty("sasl.enabled.mechanisms", SecuredKafka.MECHANISM);
        p.setProperty("listener.name.sasl_ssl." + SecuredKafka.MECHANISM.toLowerCase() + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");

        p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.setProperty("allow.everyone.if.no.acl.found", "false");
        p.setProperty("super.users", superUsers);
        overrides.forEach(p::setProperty);
        Path file = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "Single-node KRaft broker with TLS, SCRAM, mutual TLS and ACLs, written by io.ferry.testkit.SecuredKafka");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
        return file;
    }

    private static void store(Properties p, String prefix, Path file) {
        p.setProperty(prefix + ".location", file.toString());
        p.setProperty(prefix + ".password", TestCertificates.PASSWORD);
        p.setProperty(prefix + ".type", TestCertificates.STORE_TYPE);
    }

    /** The broker's four ports. */
    record ListenerPorts(int saslSsl, int ssl, int internal, int controller) {
        static ListenerPorts free() {
            return new ListenerPorts(Ports.free(), Ports.free(), Ports.free(), Ports.free());
        }
    }
}
