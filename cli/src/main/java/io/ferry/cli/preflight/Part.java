package io.ferry.cli.preflight;

import io.ferry.clients.EtcdGrant;
import io.ferry.clients.EtcdRoles;
import io.ferry.core.config.FerryConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The part of Ferry a configuration file is for, as {@code ferry check --connect --for} names it:
 * each reaches only some servers, with its own identity and permissions (docs/security.md), so a
 * sink's file is not failed for having no etcd user.
 */
public enum Part {
    /** {@code ferry run}, and the operator's commands: every server, every permission. */
    ALL(true, true, true, true),
    WATCH(true, true, false, false),
    SINK(false, true, true, false),
    REVERSE(true, false, true, true),
    RECONCILE(true, false, true, false),
    CUTOVER(true, true, true, true);

    final boolean etcd;
    final boolean kafka;
    final boolean database;
    final boolean rollbackPath;

    Part(boolean etcd, boolean kafka, boolean database, boolean rollbackPath) {
        this.etcd = etcd;
        this.kafka = kafka;
        this.database = database;
        this.rollbackPath = rollbackPath;
    }

    /** The etcd permissions this part needs (EtcdRoles, as docs/security.md lists them). */
    List<EtcdGrant> etcdGrants(FerryConfig c) {
        List<EtcdGrant> grants = switch (this) {
            case WATCH -> EtcdRoles.watcher(c);
            case REVERSE -> EtcdRoles.reverse(c);
            case RECONCILE -> EtcdRoles.reconcile(c);
            case CUTOVER -> union(EtcdRoles.cutover(c), EtcdRoles.rollback(c));
            case ALL -> union(EtcdRoles.watcher(c), EtcdRoles.cutover(c), EtcdRoles.rollback(c), EtcdRoles.reverse(c));
            case SINK -> List.of();
        };
        return grants;
    }

    /** Whether this part only reads SQL ({@code ferry reconcile} runs as a read-only user). */
    boolean readsSqlOnly() {
        return this == RECONCILE;
    }

    @SafeVarargs
    private static List<EtcdGrant> union(List<EtcdGrant>... lists) {
        LinkedHashSet<EtcdGrant> all = new LinkedHashSet<>();
        for (List<EtcdGrant> l : lists) {
            all.addAll(l);
        }
        return new ArrayList<>(all);
    }
}
