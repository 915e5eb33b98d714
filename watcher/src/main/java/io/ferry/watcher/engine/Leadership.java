package io.ferry.watcher.engine;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watcher's candidacy in the etcd election for its change topic, on a lease kept alive
 * while the process lives. When the process dies the lease expires and a standby wins. Kafka's
 * transactional id fences a leader that lost its lease but still runs (a zombie).
 */
final class Leadership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private final Client client;
    private final ByteSequence name;
    private final Duration ttl;
    private final AtomicBoolean lost = new AtomicBoolean();
    private long leaseId;
    private CloseableClient keepAlive;
    private LeaderKey leaderKey;

    Leadership(Client client, String changeTopic, Duration ttl) {
        this.client = client;
        this.name = ByteSequence.from(electionName(changeTopic), StandardCharsets.UTF_8);
        this.ttl = ttl;
    }

    /** Kept outside the usual '/'-rooted prefixes so that the election's own keys are not replicated. */
    static String electionName(String changeTopic) {
        return "ferry-election/watcher/" + changeTopic;
    }

    /** Blocks until this process leads; returns false if {@code stopping} became true first. */
    boolean await(BooleanSupplier stopping, String identity) throws Exception {
        long seconds = Math.max(2, ttl.toSeconds());
        leaseId = client.getLeaseClient().grant(seconds).get(seconds, TimeUnit.SECONDS).getID();
        keepAlive = client.getLeaseClient().keepAlive(leaseId, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse r) {
                if (r.getTTL() <= 0) {
                    lose("lease " + Long.toHexString(leaseId) + " expired");
                }
            }

            @Override
            public void onError(Throwable t) {
                lose("keeping lease " + Long.toHexString(leaseId) + " alive failed: " + t);
            }

            @Override
            public void onCompleted() {
                lose("lease keep-alive ended");
            }
        });
        CompletableFuture<io.etcd.jetcd.election.CampaignResponse> campaign = client.getElectionClient()
                .campaign(name, leaseId, ByteSequence.from(identity, StandardCharsets.UTF_8));
        LOG.info("Campaigning for leadership of {} as {} (lease {}, ttl {} s)", name, identity,
                Long.toHexString(leaseId), seconds);
        while (!stopping.getAsBoolean()) {
            if (lost.get()) {
                throw new Failures.Transient("lost the election lease while standing by", null);
            }
            try {
                leaderKey = campaign.get(200, TimeUnit.MILLISECONDS).getLeader();
                LOG.info("Won leadership of {} as {}", name, identity);
                return true;
            } catch (TimeoutException e) {
                // still standing by
            }
        }
        campaign.cancel(true);
        return false;
    }

    boolean lost() {
        return lost.get();
    }

    private void lose(String why) {
        if (lost.compareAndSet(false, true)) {
            LOG.warn("Leadership of {} is no longer certain: {}", name, why);
        }
    }

    @Override
    public void close() {
        try {
            if (leaderKey != null) {
                client.getElectionClient().resign(leaderKey).get(2, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.debug("Resigning leadership of {} failed; the lease revocation ends it anyway", name, e);
        }
        if (keepAlive != null) {
            keepAlive.close();
        }
        if (leaseId != 0) {
            try {
                client.getLeaseClient().revoke(leaseId).get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("Revoking lease {} failed; it expires by itself", Long.toHexString(leaseId), e);
            }
        }
    }
}
