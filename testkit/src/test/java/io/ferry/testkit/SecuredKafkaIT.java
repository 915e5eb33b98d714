package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The secured broker refuses clients without the right credentials, and a principal may do only what its ACLs allow. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SecuredKafkaIT {

    @RegisterExtension
    static final SecuredKafka KAFKA = new SecuredKafka();

    private static final TestCertificates CERTS = TestCertificates.get();
    private static final String TOPIC = "secured";

    @BeforeAll
    static void usersAndAcls() {
        KAFKA.createTopic(TOPIC, 1, Map.of());
        KAFKA.addScramUser("ferry-watcher", "watcher-secret");
        KAFKA.addScramUser("reader-only", "reader-secret");
        KAFKA.allow("ferry-watcher", ResourceType.TOPIC, TOPIC, PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE);
        KAFKA.allow("reader-only", ResourceType.TOPIC, TOPIC, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE);
        // Certificate principals: User:<CN>.
        KAFKA.allow("ferry-sink", ResourceType.TOPIC, TOPIC, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE);
        KAFKA.allow("tls-writer", ResourceType.TOPIC, "tls.", PatternType.PREFIXED, AclOperation.WRITE, AclOperation.DESCRIBE,
                AclOperation.CREATE);
    }

    @Test
    void plaintextClientIsRefusedOnBothListeners() throws Exception {
        for (String bootstrap : List.of(KAFKA.saslSslBootstrap(), KAFKA.sslBootstrap())) {
            Properties plain = new Properties();
            plain.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            // The broker closes a connection that does not speak TLS, so a plaintext client only ever times out.
            assertInstanceOf(TimeoutException.class, adminFailure(plain), bootstrap);
        }
        assertBrokerAnswersAuthorisedClients();
    }

    @Test
    void tlsWithoutSaslCredentialsIsRefused() throws Exception {
        Properties noSasl = KAFKA.saslClientProperties("ferry-watcher", "watcher-secret");
        noSasl.setProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        noSasl.remove("sasl.jaas.config");
        noSasl.remove("sasl.mechanism");

        assertInstanceOf(TimeoutException.class, adminFailure(noSasl));
        assertBrokerAnswersAuthorisedClients();
    }

    @Test
    void wrongPasswordAndUnknownUserAreRefused() {
        Throwable wrong = adminFailure(KAFKA.saslClientProperties("ferry-watcher", "not-the-password"));
        Throwable unknown = adminFailure(KAFKA.saslClientProperties("nobody", "watcher-secret"));

        assertInstanceOf(SaslAuthenticationException.class, wrong);
        assertTrue(wrong.getMessage().contains("invalid credentials"), wrong.getMessage());
        assertInstanceOf(SaslAuthenticationException.class, unknown);
    }

    @Test
    void mutualTlsListenerRefusesAClientWithoutCertificateOrWithOneFromAnUnknownCa() throws Exception {
        Properties noCert = KAFKA.sslClientProperties(CERTS.client("ferry-sink"));
        noCert.keySet().removeIf(k -> k.toString().startsWith("ssl.keystore.") || k.equals(SslConfigs.SSL_KEY_PASSWORD_CONFIG));

        assertInstanceOf(SslAuthenticationException.class, adminFailure(noCert));
        assertInstanceOf(SslAuthenticationException.class, adminFailure(KAFKA.sslClientProperties(CERTS.unknownCaClient("ferry-sink"))));
        assertBrokerAnswersAuthorisedClients();
    }

    @Test
    void clientThatDoesNotTrustTheTestCaRefusesTheBroker() {
        Properties distrustful = KAFKA.saslClientProperties("ferry-watcher", "watcher-secret");
        distrustful.setProperty(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, CERTS.unknownCaTrustStore().toString());

        Throwable failure = adminFailure(distrustful);

        assertInstanceOf(SslAuthenticationException.class, failure);
    }

    @Test
    void scramUserWithWriteAclProducesAndCertificateUserWithReadAclConsumes() throws Exception {
        send(KAFKA.saslClientProperties("ferry-watcher", "watcher-secret"), TOPIC, "over SASL_SSL");

        List<String> read = readAll(KAFKA.sslClientProperties(CERTS.client("ferry-sink")), TOPIC, "over SASL_SSL");

        assertTrue(read.contains("over SASL_SSL"), read.toString());
    }

    @Test
    void principalsWithoutWriteAclAreDeniedOnEitherListener() {
        Throwable scram = sendFailure(KAFKA.saslClientProperties("reader-only", "reader-secret"));
        Throwable cert = sendFailure(KAFKA.sslClientProperties(CERTS.client("ferry-sink")));
        Throwable elsewhere = sendFailure(KAFKA.sslClientProperties(CERTS.client("tls-writer")));

        // Without WRITE on any topic, the idempotent producer is refused its producer id, before any topic is named.
        assertInstanceOf(ClusterAuthorizationException.class, scram);
        assertInstanceOf(ClusterAuthorizationException.class, cert);
        // With WRITE on tls.* only, it gets its id but not the topic.
        assertEquals(java.util.Set.of(TOPIC), assertInstanceOf(TopicAuthorizationException.class, elsewhere).unauthorizedTopics());
    }

    /**
     * Why the broker refused a write to {@link #TOPIC} made with {@code props}. The producer reports a refused producer
     * id in one of two ways, depending on timing: through the send's future when the refusal comes after the send, or
     * by throwing from send() itself ("in an error state", the refusal as its cause) when it came first; CI met both.
     */
    private static Throwable sendFailure(Properties props) {
        try {
            send(props, TOPIC, "denied");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (KafkaException e) {
            return e.getCause() instanceof KafkaException cause ? cause : e;
        } catch (Exception e) {
            return fail("a write refused by the broker failed otherwise", e);
        }
        return fail("the broker accepted a write it should have refused");
    }

    @Test
    void certificatePrincipalComesFromTheCommonNameAndAutoCreatesUnderItsPrefix() throws Exception {
        // No topic tls.auto exists: the Apache default auto.create.topics.enable=true creates it, as CREATE on tls.* allows.
        send(KAFKA.sslClientProperties(CERTS.client("tls-writer")), "tls.auto", "by certificate");

        List<String> read = readAll(KAFKA.saslClientProperties(SecuredKafka.ADMIN, KAFKA.adminPassword()), "tls.auto", "by certificate");
        assertEquals(List.of("by certificate"), read);
    }

    @Test
    void brokerRunsTheStandardAuthorizerWithNoAccessByDefault() throws Exception {
        var configs = KAFKA.admin().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, "1")))
                .all().get(30, TimeUnit.SECONDS).values().iterator().next();

        assertEquals("org.apache.kafka.metadata.authorizer.StandardAuthorizer", configs.get("authorizer.class.name").value());
        assertEquals("true", configs.get("auto.create.topics.enable").value());
    }

    @Test
    void usersAndAclsSurviveKillNineAndStart() throws Exception {
        KAFKA.kill();
        KAFKA.start();

        send(KAFKA.saslClientProperties("ferry-watcher", "watcher-secret"), TOPIC, "after restart");
        assertInstanceOf(SaslAuthenticationException.class, adminFailure(KAFKA.saslClientProperties("ferry-watcher", "wrong")));
        assertTrue(readAll(KAFKA.sslClientProperties(CERTS.client("ferry-sink")), TOPIC, "after restart").contains("after restart"));
    }

    /** A refusal proves something only while the broker answers the right clients. */
    private static void assertBrokerAnswersAuthorisedClients() throws Exception {
        try (Admin admin = Admin.create(KAFKA.saslClientProperties(SecuredKafka.ADMIN, KAFKA.adminPassword()))) {
            assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(TOPIC));
        }
    }

    /** The cause of the failure of an admin call made with {@code props}, which is expected to fail within seconds. */
    private static Throwable adminFailure(Properties props) {
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(props)) {
            return assertThrows(ExecutionException.class, () -> admin.listTopics().names().get(30, TimeUnit.SECONDS)).getCause();
        }
    }

    private static void send(Properties props, String topic, String value) throws Exception {
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Reads partition 0 of {@code topic} from the start without a consumer group (so only a topic READ ACL is needed) until {@code until} appears. */
    private static List<String> readAll(Properties props, String topic, String until) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            Awaitility.await("records of " + topic).atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return values.contains(until);
            });
        }
        return values;
    }
}
