package io.ferry.testkit;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which etcd members are cut off from their peers, and how to tell a member by the id etcd's raft
 * transport puts on its requests; shared by the {@link EtcdPeerProxy peer proxies} of one cluster.
 */
final class PeerLinks {

    /** A connection whose dialing member is not known (yet). */
    static final int UNKNOWN = -1;

    private final Set<Integer> isolated = ConcurrentHashMap.newKeySet();
    private final Map<Long, Integer> indexById = new ConcurrentHashMap<>();

    /** Records that member {@code index} has raft id {@code id}. */
    void register(long id, int index) {
        indexById.put(id, index);
    }

    /** The member index of a raft id as etcd writes it (lowercase hex), or {@link #UNKNOWN}. */
    int indexOf(String hexId) {
        try {
            return indexById.getOrDefault(Long.parseUnsignedLong(hexId.trim(), 16), UNKNOWN);
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
    }

    void isolate(int index) {
        isolated.add(index);
    }

    void heal(int index) {
        isolated.remove(index);
    }

    boolean isolated(int index) {
        return isolated.contains(index);
    }

    /**
     * Whether a connection dialed by member {@code from} (maybe {@link #UNKNOWN}) to member {@code to}
     * must not carry anything: when either end is isolated. An unknown dialer is cut only when the
     * member it dials is isolated.
     */
    boolean cut(int from, int to) {
        return isolated.contains(to) || (from != UNKNOWN && isolated.contains(from));
    }
}
