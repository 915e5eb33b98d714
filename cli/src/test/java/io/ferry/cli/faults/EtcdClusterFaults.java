package io.ferry.cli.faults;

import io.ferry.testkit.EtcdCluster;
import io.ferry.testkit.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link FaultKind#ETCD_LEADER_KILL} and {@link FaultKind#ETCD_MEMBER_PARTITION} on a three-member
 * etcd cluster, under a workload whose every write must have a known outcome.
 *
 * <p>The workload writes through one member, the writer, which is never cut off from its peers. A
 * write that meets an election (a leader killed or isolated, or a member whose raised term makes the
 * leader step down when it comes back: etcd 3.4 runs without pre-vote) can end in a timeout after
 * which nobody knows whether it committed. So a member is killed, isolated, healed or started again
 * only while the workload is held between requests, until the writer answers a linearizable read
 * again; while a member is down or cut off, the workload writes on, which is when a fault proves
 * most. Ferry reaches each member through a proxy of its own, and its watcher sees every fault.
 */
final class EtcdClusterFaults {

    private static final Duration HEALTHY_LIMIT = Duration.ofSeconds(90);
    private static final Pattern WATCHERS = Pattern.compile("(?m)^etcd_debugging_mvcc_watcher_total (\\d+)");

    /** Where a partition cuts a member off: from its peers (raft), from Ferry (its proxy), or both. */
    enum Cut { PEERS, FERRY, BOTH }

    private final EtcdCluster etcd;
    private final List<TcpProxy> proxies;
    private final EtcdCluster.Member writer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** {@code proxies.get(i)} is Ferry's way to {@code etcd.member(i)}; {@code writer} is the workload's member. */
    EtcdClusterFaults(EtcdCluster etcd, List<TcpProxy> proxies, EtcdCluster.Member writer) {
        this.etcd = etcd;
        this.proxies = proxies;
        this.writer = writer;
    }

    /** kill -9 of the leader, started again after 0 to 2 s. */
    String killLeader(Random rnd, Workload workload) {
        long down = rnd.nextInt(2000);
        String repaired = repair(workload);
        String watches = watchers().toString();
        EtcdCluster.Member leader = etcd.leader();
        if (leader == writer) {
            // The workload has no member to write to while its own is down.
            long held = workload.paused(() -> {
                leader.kill();
                Workload.sleep(down);
                restart(leader);
            });
            return repaired + leader.name() + " (leader, the workload's member) killed, down " + down + " ms, workload held "
                    + held + " ms; Ferry's watches were on " + watches;
        }
        long held = workload.paused(leader::kill);
        String elected = etcd.leader().name();
        Workload.sleep(down);
        String atRestart = watchers().toString();
        held += workload.paused(() -> restart(leader));
        return repaired + leader.name() + " (leader) killed, " + elected + " elected, down " + down + " ms, workload held " + held
                + " ms at the edges; Ferry's watches were on " + watches + ", at the restart on " + atRestart;
    }

    /**
     * One member cut off: from its peers for 3 to 12 s; from Ferry for 2 to 6 s or 12 to 24 s (a
     * watch is given up after 10 s of silence, gRPC's keep-alive gives up on the connection within 15 s);
     * or both. Ferry's side goes to the member the watcher watches on when there is one, the peers'
     * side to any member but the writer (preferring the watcher's).
     */
    String partition(Random rnd, Workload workload) {
        Cut cut = Cut.values()[rnd.nextInt(Cut.values().length)];
        boolean fromPeers = cut != Cut.FERRY;
        boolean fromFerry = cut != Cut.PEERS;
        long length = fromPeers && !fromFerry ? 3000 + rnd.nextInt(9000)
                : rnd.nextBoolean() ? 2000 + rnd.nextInt(4000) : 12_000 + rnd.nextInt(12_000);
        int pick = rnd.nextInt(1 << 16);
        String repaired = repair(workload);
        Map<String, Long> before = watchers();
        Optional<EtcdCluster.Member> watched = mostWatched(before);
        EtcdCluster.Member target = choose(fromPeers, watched, pick);
        TcpProxy proxy = proxies.get(etcd.members().indexOf(target));
        String role = (target == etcd.leader() ? "leader" : "follower") + (watched.orElse(null) == target ? ", the watcher's" : "");
        Map<String, Long> during;
        long held = 0;
        if (fromFerry) {
            proxy.blackhole(true);
        }
        try {
            if (fromPeers) {
                held += workload.paused(target::isolate);
            }
            Workload.sleep(length);
            during = watchers();
        } finally {
            try {
                if (fromPeers) {
                    held += workload.paused(() -> {
                        target.heal();
                        etcd.awaitHealthy(HEALTHY_LIMIT);
                    });
                }
            } finally {
                proxy.blackhole(false);
            }
        }
        return repaired + target.name() + " (" + role + ") cut off from " + (cut == Cut.BOTH ? "its peers and Ferry" : cut == Cut.PEERS
                ? "its peers" : "Ferry") + " for " + length + " ms" + (fromPeers ? ", workload held " + held + " ms at the edges" : "")
                + "; Ferry's watches before " + before + ", at the end " + during;
    }

    private EtcdCluster.Member choose(boolean fromPeers, Optional<EtcdCluster.Member> watched, int pick) {
        List<EtcdCluster.Member> candidates = new ArrayList<>(etcd.members());
        if (fromPeers) {
            // The writer stays with its peers: a write on a member without a leader fails with no known outcome.
            candidates.remove(writer);
        }
        if (watched.isPresent() && candidates.contains(watched.get())) {
            return watched.get();
        }
        return candidates.get(pick % candidates.size());
    }

    /**
     * Starts or heals whatever an earlier fault that failed halfway left down or cut off (a member that
     * did not get healthy in time, say), so that a fault never takes a second member out; returns what
     * it did, for the detail, or "".
     */
    private String repair(Workload workload) {
        List<EtcdCluster.Member> broken = etcd.members().stream().filter(m -> !m.running() || m.isolated()).toList();
        if (broken.isEmpty()) {
            return "";
        }
        workload.paused(() -> {
            broken.forEach(m -> {
                if (m.isolated()) {
                    m.heal();
                }
                if (!m.running()) {
                    m.start();
                }
            });
            etcd.awaitHealthy(HEALTHY_LIMIT);
        });
        return "(first repaired " + broken + ") ";
    }

    private void restart(EtcdCluster.Member member) {
        member.start();
        etcd.awaitHealthy(HEALTHY_LIMIT);
    }

    /**
     * How many watches each member that answers serves, by member name, from its own metrics. Only
     * Ferry's watcher watches (its election is off, the sinks do not use etcd); a member cut off from
     * Ferry keeps a watch the watcher has given up until the partition ends and lets the close through.
     */
    Map<String, Long> watchers() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (EtcdCluster.Member m : etcd.members()) {
            if (!m.running() || m.paused()) {
                continue;
            }
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create(m.endpoint() + "/metrics")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher w = WATCHERS.matcher(body);
                if (w.find()) {
                    counts.put(m.name(), Long.parseLong(w.group(1)));
                }
            } catch (java.io.IOException e) {
                // a member that does not answer serves no watch
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return counts;
    }

    private Optional<EtcdCluster.Member> mostWatched(Map<String, Long> counts) {
        return counts.entrySet().stream().filter(e -> e.getValue() > 0).max(Map.Entry.comparingByValue())
                .flatMap(e -> etcd.members().stream().filter(m -> m.name().equals(e.getKey())).findFirst());
    }
}
