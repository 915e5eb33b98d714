package io.ferry.cli;

import io.etcd.jetcd.Client;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AbstractRollbackIT} on one etcd member and one Kafka broker; subclasses choose the database. */
abstract class SingleServerRollbackIT extends AbstractRollbackIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Override
    Client etcd() {
        return ETCD.client();
    }

    @Override
    String etcdEndpoints() {
        return ETCD.endpoint();
    }

    @Override
    String kafkaBootstrap() {
        return KAFKA.bootstrapServers();
    }
}
