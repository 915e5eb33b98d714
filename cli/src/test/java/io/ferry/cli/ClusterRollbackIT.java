package io.ferry.cli;

import io.etcd.jetcd.Client;
import io.ferry.testkit.EtcdCluster;
import io.ferry.testkit.KafkaCluster;
import io.ferry.testkit.SqlDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cutover, the reconciler and the rollback path once each on the production shape: three etcd
 * members and three Kafka brokers on Apache's defaults, PostgreSQL as the target. It is also the
 * suite's rollback scenario on a plain PostgreSQL (the same scenario on one etcd member and one
 * broker added nothing but 100 s); {@link SecuredMariaDbRollbackIT} runs it on a MariaDB that
 * requires TLS and passwords, {@link SecuredEndToEndIT} a rollback on a secured PostgreSQL.
 */
class ClusterRollbackIT extends AbstractRollbackIT {

    @RegisterExtension
    static final EtcdCluster ETCD = new EtcdCluster();
    @RegisterExtension
    static final KafkaCluster KAFKA = new KafkaCluster();
    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.postgres();

    @Override
    TargetDatabase db() {
        return TargetDatabase.of(DB);
    }

    @Override
    Client etcd() {
        return ETCD.client();
    }

    @Override
    String etcdEndpoints() {
        return ETCD.endpoints();
    }

    @Override
    String kafkaBootstrap() {
        return KAFKA.bootstrapServers();
    }

    @Override
    String slot() {
        return "ferry_cluster_rollback_it";
    }
}
