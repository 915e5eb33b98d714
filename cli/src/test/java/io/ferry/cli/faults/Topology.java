package io.ferry.cli.faults;

import io.etcd.jetcd.Client;
import io.ferry.testkit.TcpProxy;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The etcd and Kafka servers a fault run replicates through, and the faults that act on them: one
 * etcd and one broker ({@link SingleServerTopology}), or a three-member etcd cluster and three
 * brokers ({@link ClusterTopology}). The run, the deployment, the workload and the injector reach the
 * servers only through it, so the rest of the suite is the same for both.
 *
 * <p>It owns the proxies Ferry reaches etcd through (one per member), and closes them; the servers
 * belong to the test class that registered them.
 */
interface Topology extends AutoCloseable {

    /** The fault kinds that act on these servers, injected beside {@link FaultKind#common()}. */
    Set<FaultKind> serverKinds();

    /** The proxies in front of the etcd members, in member order, named after them: Ferry's way to etcd. */
    List<TcpProxy> etcdProxies();

    /** Ferry's {@code etcd.endpoints}: every member, through its proxy. */
    default String ferryEtcdEndpoints() {
        return etcdProxies().stream().map(p -> "http://127.0.0.1:" + p.port()).collect(Collectors.joining(","));
    }

    /** Ferry's {@code kafka.bootstrap}. */
    String kafkaBootstrap();

    /**
     * The client the workload writes through. No fault may leave one of its writes with an unknown
     * outcome: a topology holds the workload between requests (see {@link Workload#paused}) around
     * any fault that could, and lets it write otherwise.
     */
    Client workloadClient();

    /** A client over every member, for reads at the end of the run. */
    Client client();

    /** Compacts etcd's history up to {@code revision}, physically; called between the workload's requests. */
    long compact(long revision);

    /**
     * Injects one fault of {@link #serverKinds()}, seeded by {@code rnd}, and returns what it did; the
     * caller holds the lock of etcd or Kafka, as the kind says. Everything it stopped runs again, and
     * everything it cut off is reachable again, when it returns.
     */
    String inject(FaultKind kind, Random rnd, Workload workload, Deployment deployment);

    /** Starts whatever does not run, once the faults have stopped (a fault may have ended while a server was down). */
    void restore();

    /** Puts what the run's servers say about Ferry into the report and the verdict; nothing for one server of each. */
    void check(FaultReport report, Verdict verdict);

    /** Closes the proxies. */
    @Override
    void close();
}
