package io.ferry.reconciler;

import io.etcd.jetcd.Client;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.SqlDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

class SqliteReconcilerIT extends AbstractReconcilerIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.sqlite();

    @Override
    protected SqlDatabase db() {
        return DB;
    }

    @Override
    protected Client etcd() {
        return ETCD.client();
    }
}
