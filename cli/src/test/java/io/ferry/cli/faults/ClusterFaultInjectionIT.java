package io.ferry.cli.faults;

import io.ferry.testkit.EtcdCluster;
import io.ferry.testkit.KafkaCluster;
import io.ferry.testkit.SqlDatabase;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault-injection suite on the clusters production runs: three etcd members and three Kafka
 * brokers on Apache's defaults ({@link ClusterTopology}). Beside the faults of every run, it kills
 * the etcd leader, cuts one member off from its peers or from Ferry, and kills a broker chosen by its
 * role (a change partition's leader, the watcher's transaction coordinator, a sink group's
 * coordinator), and checks that Ferry's topics have three replicas and {@code min.insync.replicas} 2.
 * The default is a short CI run with fewer faults of each kind than {@link FaultInjectionIT}'s;
 * {@code -Dfaults.minutes=60} makes the long run. See docs/reliability.md.
 */
@Timeout(value = 11, unit = TimeUnit.HOURS) // the real bound is per run: the workload, the catch-up limit and 12 minutes
class ClusterFaultInjectionIT {

    @RegisterExtension
    static final EtcdCluster ETCD = new EtcdCluster();
    @RegisterExtension
    static final KafkaCluster KAFKA = new KafkaCluster();
    @RegisterExtension
    static final SqlDatabase POSTGRES = SqlDatabase.postgres();
    @RegisterExtension
    static final SqlDatabase MARIADB = SqlDatabase.mariadb();

    @Test
    void noWriteIsLostDuplicatedOrResurrectedUnderClusterFaults() throws Exception {
        // The CI short run: every kind a few times, for bin/test's budget; the long run sets faults.minutes.
        FaultSettings settings = FaultSettings.fromSystemProperties("ClusterFaultInjectionIT", 1.0, 4);
        try (Topology servers = new ClusterTopology(ETCD, KAFKA, settings.seed())) {
            new FaultRun(settings, servers, POSTGRES, MARIADB).runAndCheck();
        }
    }
}
