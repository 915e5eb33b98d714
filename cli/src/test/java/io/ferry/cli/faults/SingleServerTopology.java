package io.ferry.cli.faults;

import io.etcd.jetcd.Client;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.TcpProxy;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One etcd and one Kafka broker, the suite's first shape: {@link FaultKind#KAFKA_KILL} and
 * {@link FaultKind#ETCD_RESTART}. The workload writes to the one etcd, so it is held between
 * requests while etcd restarts.
 */
final class SingleServerTopology implements Topology {

    private final EtcdServer etcd;
    private final KafkaBroker kafka;
    private final TcpProxy etcdProxy;

    SingleServerTopology(EtcdServer etcd, KafkaBroker kafka) throws IOException {
        this.etcd = etcd;
        this.kafka = kafka;
        this.etcdProxy = TcpProxy.to("etcd", etcd.endpoint());
    }

    @Override
    public Set<FaultKind> serverKinds() {
        return EnumSet.of(FaultKind.KAFKA_KILL, FaultKind.ETCD_RESTART);
    }

    @Override
    public List<TcpProxy> etcdProxies() {
        return List.of(etcdProxy);
    }

    @Override
    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    @Override
    public Client workloadClient() {
        return etcd.client();
    }

    @Override
    public Client client() {
        return etcd.client();
    }

    @Override
    public long compact(long revision) {
        return etcd.compact(revision);
    }

    @Override
    public String inject(FaultKind kind, Random rnd, Workload workload, Deployment deployment) {
        return switch (kind) {
            case KAFKA_KILL -> {
                kafka.kill();
                long down = rnd.nextInt(1000);
                Workload.sleep(down);
                kafka.start();
                yield "broker down " + down + " ms before its restart";
            }
            case ETCD_RESTART -> {
                boolean hard = rnd.nextBoolean();
                workload.paused(() -> {
                    if (hard) {
                        etcd.kill();
                    } else {
                        etcd.stop();
                    }
                    Workload.sleep(rnd.nextInt(1000));
                    etcd.start();
                });
                yield hard ? "kill -9" : "SIGTERM";
            }
            default -> throw new IllegalArgumentException(kind + " needs clusters; one etcd and one broker take "
                    + serverKinds());
        };
    }

    @Override
    public void restore() {
        etcd.start();
        kafka.start();
    }

    @Override
    public void check(FaultReport report, Verdict verdict) {
        // One broker: the topics have one replica by the contract (the number of brokers), nothing to check.
    }

    @Override
    public void close() {
        etcdProxy.close();
    }
}
