package io.ferry.clients;

import io.etcd.jetcd.auth.Permission;
import io.ferry.core.KeyRanges;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The etcd permissions each part of Ferry needs, and no more: what docs/security.md prints as
 * {@code etcdctl} commands, what the least-privilege tests grant, and what a permission-denied
 * error names. Every key a part reads or writes is in here; a change to what a part touches in
 * etcd changes this class.
 *
 * <p>Ferry's own keys (the cutover's freeze marker, version key and verification fence, and the
 * rollback path's position and fence) lie under the first prefix unless configured elsewhere. The
 * watcher's election lies outside the prefixes, so that its keys are not replicated.
 */
public final class EtcdRoles {

    private static final String ELECTION_ROOT = "ferry-election/watcher/";

    private EtcdRoles() {
    }

    /** The name of the watcher election of {@code changeTopic}; its keys are {@code <name>/<lease id>}. */
    public static String electionName(String changeTopic) {
        return ELECTION_ROOT + changeTopic;
    }

    /** Readwrite on the keys of the watcher election of {@code changeTopic}. */
    public static EtcdGrant election(String changeTopic) {
        return EtcdGrant.prefix(electionName(changeTopic) + "/", Permission.Type.READWRITE);
    }

    /**
     * The watcher ({@code ferry watch}, and the watcher of {@code ferry run}): read on what it snapshots
     * and watches, and with {@code watcher.ha.enabled} readwrite on its election. The election service
     * writes a key per candidate, reads the others, deletes its own on resignation; revoking a lease
     * needs write on the keys attached to it. Granting a lease and keeping it alive need no permission.
     */
    public static List<EtcdGrant> watcher(FerryConfig c) {
        List<EtcdGrant> grants = new ArrayList<>(read(c));
        if (c.watcher().haEnabled()) {
            grants.add(election(c.kafka().topic()));
        }
        return grants;
    }

    /**
     * {@code ferry reconcile}, also with {@code --since} and {@code --repair} (a repair re-emits etcd's
     * state to Kafka; it writes nothing to etcd): read only.
     */
    public static List<EtcdGrant> reconcile(FerryConfig c) {
        return read(c);
    }

    /**
     * {@code ferry status}: the revision and the compaction from the first prefix's own key, and
     * during a bake period the rollback path's position.
     */
    public static List<EtcdGrant> status(FerryConfig c) {
        CutoverConfig cc = CutoverConfig.of(c);
        return List.of(EtcdGrant.key(c.etcd().prefixes().get(0), Permission.Type.READ),
                EtcdGrant.key(cc.reversePositionKey(), Permission.Type.READ));
    }

    /**
     * The reverse writer ({@code ferry reverse}, and in {@code ferry run} on PostgreSQL, MySQL and
     * MariaDB): write on the prefixes for the keys it copies from SQL (puts and deletes, without
     * reading them back), read on the version key its transactions compare, readwrite on its
     * position, which each transaction compares and writes.
     */
    public static List<EtcdGrant> reverse(FerryConfig c) {
        CutoverConfig cc = CutoverConfig.of(c);
        List<EtcdGrant> grants = new ArrayList<>();
        roots(c).forEach(p -> grants.add(EtcdGrant.prefix(p, Permission.Type.WRITE)));
        grants.add(EtcdGrant.key(cc.versionKey(), Permission.Type.READ));
        grants.add(EtcdGrant.key(cc.reversePositionKey(), Permission.Type.READWRITE));
        return grants;
    }

    /**
     * {@code ferry cutover} (and {@code --abort}): read on the prefixes, which it verifies and watches
     * for quiet, and write on the keys it sets: the freeze marker, the verification fence, the
     * rollback path's starting position and, at the switch, the version key.
     */
    public static List<EtcdGrant> cutover(FerryConfig c) {
        CutoverConfig cc = CutoverConfig.of(c);
        List<EtcdGrant> grants = new ArrayList<>(read(c));
        for (String key : new LinkedHashSet<>(List.of(cc.markerKey(), cc.fenceKey(), cc.reversePositionKey(), cc.versionKey()))) {
            grants.add(EtcdGrant.key(key, Permission.Type.READWRITE));
        }
        return grants;
    }

    /**
     * {@code ferry rollback} (and {@code --abort}): read on the prefixes, which it compares with SQL
     * and re-emits from, and readwrite on the version key, which it flips back.
     */
    public static List<EtcdGrant> rollback(FerryConfig c) {
        List<EtcdGrant> grants = new ArrayList<>(read(c));
        grants.add(EtcdGrant.key(CutoverConfig.of(c).versionKey(), Permission.Type.READWRITE));
        return grants;
    }

    /**
     * The commands that create {@code role} with {@code grants} and a user that has it. A user for
     * a client certificate is named as its common name; etcd still wants a password for it, which
     * nobody needs to know ({@code --new-user-password} of a random value).
     */
    public static List<String> etcdctl(String role, String user, List<EtcdGrant> grants) {
        List<String> lines = new ArrayList<>();
        lines.add("etcdctl role add " + role);
        grants.forEach(g -> lines.add(g.etcdctl(role)));
        lines.add("etcdctl user add " + user + " --new-user-password=\"$(openssl rand -hex 24)\"");
        lines.add("etcdctl user grant-role " + user + " " + role);
        return lines;
    }

    /**
     * Read on what the parts that read etcd range over and watch: each prefix, or with several
     * prefixes the span from the first to the end of the last, since one watch covers them all and
     * etcd checks a watch's range as a whole (the keys between the prefixes included).
     */
    private static List<EtcdGrant> read(FerryConfig c) {
        List<String> roots = roots(c);
        if (roots.size() == 1) {
            return List.of(EtcdGrant.prefix(roots.get(0), Permission.Type.READ));
        }
        byte[] end = KeyRanges.prefixEnd(roots.get(roots.size() - 1).getBytes(StandardCharsets.UTF_8));
        return List.of(EtcdGrant.range(roots.get(0), new String(end, StandardCharsets.UTF_8), Permission.Type.READ));
    }

    /** The prefixes in key order, without those another one covers. */
    private static List<String> roots(FerryConfig c) {
        List<String> sorted = new ArrayList<>(c.etcd().prefixes());
        sorted.sort(Comparator.naturalOrder());
        List<String> roots = new ArrayList<>();
        for (String p : sorted) {
            if (roots.stream().noneMatch(p::startsWith)) {
                roots.add(p);
            }
        }
        return roots;
    }
}
