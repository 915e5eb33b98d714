package io.ferry.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Response;
import io.ferry.core.config.EtcdConfig;
import io.ferry.testkit.EtcdCluster;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EtcdClients#probe}, the watcher's first read at start-up and at each snapshot, against a
 * real three-member etcd cluster with one member cut off from its peers. The client sends each
 * request to the next member it is connected to, and a linearizable read on a member without a
 * leader hangs; the probe must reach the others within its limit. The fault-injection suite's cluster
 * run found {@code ferry watch} exiting with "cannot reach etcd" while one member was partitioned.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EtcdProbeIT {

    @RegisterExtension
    static final EtcdCluster ETCD = new EtcdCluster();

    private static final byte[] KEY = "/probe/key".getBytes(StandardCharsets.UTF_8);

    @Test
    void theProbeAnswersThroughTheOtherMembersWhileOneIsCutOffFromItsPeers() throws Exception {
        List<URI> endpoints = Arrays.stream(ETCD.endpoints().split(",")).map(URI::create).toList();
        EtcdConfig config = io.ferry.core.config.FerryConfig.fromMap(java.util.Map.of("etcd.endpoints", ETCD.endpoints(),
                "etcd.prefix", "/probe/", "etcd.connect.timeout.ms", 6000)).etcd();
        EtcdCluster.Member cutOff = ETCD.member(0);
        try (Client client = EtcdClients.build(config)) {
            // Connected to every member first, as a watcher that ran before the partition is.
            for (int i = 0; i < endpoints.size(); i++) {
                EtcdClients.probe(client, config, KEY);
            }
            cutOff.isolate();
            try {
                assertNotEquals(cutOff.name(), ETCD.leader().name(), "the other two elect a leader");
                Client majority = ETCD.member(1).client();
                long written = majority.getKVClient().put(ByteSequence.from(KEY), ByteSequence.from("v", StandardCharsets.UTF_8))
                        .get(30, TimeUnit.SECONDS).getHeader().getRevision();
                // Each probe is a new request; round robin gives every third one to the cut-off member.
                for (int i = 0; i < 3 * endpoints.size(); i++) {
                    Response.Header header = EtcdClients.probe(client, config, KEY);
                    assertTrue(header.getRevision() >= written, "probe " + i + " read revision " + header.getRevision()
                            + ", before the write at " + written + ": not linearizable");
                    assertEquals(majority.getKVClient().get(ByteSequence.from(KEY)).get(30, TimeUnit.SECONDS).getHeader()
                            .getClusterId(), header.getClusterId(), "probe " + i + " answered by another cluster");
                }
            } finally {
                cutOff.heal();
                ETCD.awaitHealthy(Duration.ofSeconds(60));
            }
        }
    }
}
