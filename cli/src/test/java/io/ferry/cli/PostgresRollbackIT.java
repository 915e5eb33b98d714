package io.ferry.cli;

import io.etcd.jetcd.Client;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rollback path on PostgreSQL: logical decoding (pgoutput) through a replication slot. */
class PostgresRollbackIT extends AbstractRollbackIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.postgres();

    @Override
    SqlDatabase db() {
        return DB;
    }

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

    @Override
    String slot() {
        return "ferry_rollback_it";
    }
}
