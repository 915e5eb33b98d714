package io.ferry.watcher.engine;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.election.NoLeaderException;
import io.ferry.clients.EtcdPermissionDenied;
import io.ferry.clients.EtcdRoles;
import io.ferry.core.config.EtcdConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
    private final EtcdConfig etcdConfig;
    private final String changeTopic;
    private final String electionName;
    private final ByteSequence name;
    private final Duration ttl;
    private final AtomicBoolean lostLogged = new AtomicBoolean();
    private long leaseId;
    private LeaseKeeper keepAlive;
    private LeaderKey leaderKey;

    Leadership(Client client, EtcdConfig etcdConfig, String changeTopic, Duration ttl) {
        this.client = client;
        this.etcdConfig = etcdConfig;
        this.changeTopic = changeTopic;
        this.electionName = electionName(changeTopic);
        this.name = ByteSequence.from(electionName, StandardCharsets.UTF_8);
        this.ttl = ttl;
    }

    /** Kept outside the usual '/'-rooted prefixes so that the election's own keys are not replicated. */
    static String electionName(String changeTopic) {
        return EtcdRoles.electionName(changeTopic);
    }

    /**
     * Blocks until this process leads; returns false if {@code stopping} became true first.
     *
     * @param identity this process, as {@code pid@host}: the value of the election key while it leads
     * @param fresh whether this is the process's first campaign: only then may it take over from a
     *     leader that was an earlier process on this host and no longer runs
     */
    boolean await(BooleanSupplier stopping, String identity, boolean fresh) throws Exception {
        long seconds = Math.max(2, ttl.toSeconds());
        if (fresh) {
            takeOverFromDeadPredecessor(identity, seconds);
        }
        long grantedAt = System.nanoTime();
        try {
            leaseId = client.getLeaseClient().grant(seconds).get(seconds, TimeUnit.SECONDS).getID();
        } catch (ExecutionException e) {
            throw failure(e.getCause(), "granting the election lease");
        }
        keepAlive = new LeaseKeeper(client, leaseId, Duration.ofSeconds(seconds), grantedAt);
        CompletableFuture<io.etcd.jetcd.election.CampaignResponse> campaign = client.getElectionClient()
                .campaign(name, leaseId, ByteSequence.from(identity, StandardCharsets.UTF_8));
        LOG.info("Campaigning for leadership of {} as {} (lease {}, ttl {} s)", name, identity,
                Long.toHexString(leaseId), seconds);
        while (!stopping.getAsBoolean()) {
            if (lost()) {
                throw new Failures.Transient("lost the election lease while standing by", null);
            }
            try {
                leaderKey = campaign.get(200, TimeUnit.MILLISECONDS).getLeader();
                LOG.info("Won leadership of {} as {}", name, identity);
                return true;
            } catch (TimeoutException e) {
                // still standing by
            } catch (ExecutionException e) {
                throw failure(e.getCause(), "campaigning in the watcher election " + electionName);
            }
        }
        campaign.cancel(true);
        return false;
    }

    /**
     * A watcher restarted after a crash (kill -9, a container restarted in place) would otherwise wait
     * for its dead predecessor's lease to expire before it could lead again. When the leader's key says
     * it was a process on this host that no longer runs (or one with this very pid, as a restarted
     * container's first process has), its lease is revoked at once. Only a fresh process does this, so
     * two live watchers never take the lead from each other back and forth; and a mistaken take-over
     * costs one failover, never data: Kafka's transactional id fences the old producer either way.
     */
    private void takeOverFromDeadPredecessor(String identity, long ttlSeconds) {
        try {
            KeyValue leader = client.getElectionClient().leader(name).get(ttlSeconds, TimeUnit.SECONDS).getKv();
            String holder = leader.getValue().toString(StandardCharsets.UTF_8);
            if (leader.getLease() != 0 && isDeadPredecessor(holder, identity)) {
                client.getLeaseClient().revoke(leader.getLease()).get(ttlSeconds, TimeUnit.SECONDS);
                LOG.info("The leader of {} was {}, an earlier process on this host that no longer runs; revoked its "
                        + "lease {} instead of waiting up to {} s for it to expire", name, holder,
                        Long.toHexString(leader.getLease()), ttlSeconds);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof NoLeaderException)) {
                LOG.debug("Could not look up the leader of {}; campaigning anyway: {}", name, e.getCause().toString());
            }
        } catch (TimeoutException e) {
            LOG.debug("Looking up the leader of {} timed out; campaigning anyway", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether {@code holder} ({@code pid@host}, or {@code pid@host#n}) names a process on this host that
     * is gone, or is this very identity (a process restarted with the same pid).
     */
    static boolean isDeadPredecessor(String holder, String identity) {
        if (holder.equals(identity)) {
            return true;
        }
        int at = holder.indexOf('@');
        if (at <= 0 || !host(holder).equals(host(identity))) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(holder.substring(0, at));
        } catch (NumberFormatException e) {
            return false;
        }
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    private static String host(String identity) {
        int at = identity.indexOf('@');
        int hash = identity.indexOf('#', at + 1);
        return at < 0 ? "" : identity.substring(at + 1, hash < 0 ? identity.length() : hash);
    }

    /**
     * A refusal of the election's keys is fatal and says which permission is missing: the election
     * lies outside the replicated prefixes, and a role granted only those would otherwise stand by
     * and retry forever. Any other failure goes up as it is, to be resumed from.
     */
    private Exception failure(Throwable cause, String operation) {
        if (EtcdPermissionDenied.isDenied(cause)) {
            return EtcdPermissionDenied.of(etcdConfig, operation, List.of(EtcdRoles.election(changeTopic)), cause);
        }
        return new ExecutionException(operation + " failed: " + cause, cause);
    }

    /** Whether the lease may have run out, so that another watcher may lead: then this one must stop producing. */
    boolean lost() {
        if (keepAlive != null && keepAlive.lost() && lostLogged.compareAndSet(false, true)) {
            LOG.warn("Leadership of {} is no longer certain: {}", name, keepAlive.why());
        }
        return keepAlive != null && keepAlive.lost();
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
