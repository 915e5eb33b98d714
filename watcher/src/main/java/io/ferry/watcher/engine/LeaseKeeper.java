package io.ferry.watcher.engine;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one etcd lease alive and knows until when it surely holds. Each renewal is a request of its
 * own, so that when the member serving the lease dies, loses its peers or its link, the next renewal
 * goes to another member: a single keep-alive stream would end with its member, and the lease would
 * be given up although the cluster still keeps it for a whole TTL. The lease counts as held until the
 * TTL etcd granted at the last renewal runs out, less a margin; only then, or when etcd says the lease
 * is gone, is it lost.
 */
final class LeaseKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final Client client;
    private final long leaseId;
    private final long ttlNanos;
    private final long marginNanos;
    private final AtomicLong validUntil;
    private final AtomicBoolean expired = new AtomicBoolean();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final ScheduledExecutorService timer;
    private final long attemptMillis;

    /**
     * @param grantedAtNanos when the grant request was sent: the lease surely lives for its TTL from then
     */
    LeaseKeeper(Client client, long leaseId, Duration ttl, long grantedAtNanos) {
        this.client = client;
        this.leaseId = leaseId;
        this.ttlNanos = ttl.toNanos();
        // Room for the clock of the machine and the delay of the request that would renew too late.
        this.marginNanos = Math.min(TimeUnit.SECONDS.toNanos(1), ttlNanos / 4);
        this.validUntil = new AtomicLong(grantedAtNanos + ttlNanos);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferry-watcher-lease");
            t.setDaemon(true);
            return t;
        });
        // Several tries a TTL, each cut short: a request stuck on a dead or silent member must not use up the
        // lease, while the next one, sent on the next connection, reaches a member that answers.
        this.attemptMillis = Math.max(200, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(ttlNanos) / 5));
        timer.scheduleWithFixedDelay(this::renew, attemptMillis, attemptMillis, TimeUnit.MILLISECONDS);
    }

    /** Whether the lease may have run out: etcd said so, or no renewal succeeded within its TTL. */
    boolean lost() {
        return expired.get() || System.nanoTime() > validUntil.get() - marginNanos;
    }

    /** Why {@link #lost()} is true, for the log. */
    String why() {
        return expired.get() ? "etcd says lease " + Long.toHexString(leaseId) + " expired"
                : "no renewal of lease " + Long.toHexString(leaseId) + " succeeded within its TTL";
    }

    private void renew() {
        if (lost()) {
            return;
        }
        long sent = System.nanoTime();
        try {
            LeaseKeepAliveResponse r = client.getLeaseClient().keepAliveOnce(leaseId).get(attemptMillis, TimeUnit.MILLISECONDS);
            if (r.getTTL() <= 0) {
                expired.set(true);
                return;
            }
            validUntil.accumulateAndGet(sent + TimeUnit.SECONDS.toNanos(r.getTTL()), Math::max);
            if (failing.compareAndSet(true, false)) {
                LOG.info("Renewing lease {} works again", Long.toHexString(leaseId));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (e.getCause() != null && String.valueOf(e.getCause().getMessage()).contains("requested lease not found")) {
                expired.set(true);
                return;
            }
            if (failing.compareAndSet(false, true)) {
                LOG.warn("Renewing lease {} failed ({}); trying other members until it runs out in {} ms",
                        Long.toHexString(leaseId), e.getCause() != null ? e.getCause() : e,
                        TimeUnit.NANOSECONDS.toMillis(validUntil.get() - System.nanoTime()));
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
