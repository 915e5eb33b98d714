package io.ferry.clients;

import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.ferry.core.FerryException;
import io.ferry.core.config.EtcdConfig;
import io.grpc.Status;
import java.util.List;
import java.util.stream.Collectors;

/**
 * etcd refused an operation because Ferry's etcd user lacks a permission. Retrying cannot help, so
 * every part of Ferry treats it as fatal; the message names the operation, the user, each
 * permission needed and the {@code etcdctl} commands that grant them.
 */
public final class EtcdPermissionDenied extends FerryException {

    private final transient List<EtcdGrant> needed;

    private EtcdPermissionDenied(String message, List<EtcdGrant> needed, Throwable cause) {
        super(message, cause);
        this.needed = List.copyOf(needed);
    }

    /**
     * The error for {@code operation} (such as "campaigning in the watcher election"), which needs
     * {@code needed}, and which etcd refused with {@code cause}.
     */
    public static EtcdPermissionDenied of(EtcdConfig config, String operation, List<EtcdGrant> needed, Throwable cause) {
        String user = EtcdClients.user(config).orElse(null);
        String who = user == null ? "the etcd client (no etcd.user and no client certificate)" : "etcd user '" + user + "'";
        String role = "<role>";
        StringBuilder m = new StringBuilder("etcd refused ").append(operation).append(": permission denied for ").append(who)
                .append(". It needs ").append(needed.stream().map(EtcdGrant::describe).collect(Collectors.joining(" and ")))
                .append(". Grant ").append(needed.size() == 1 ? "it" : "them").append(" to a role of the user");
        if (user != null) {
            m.append(" (etcdctl user get ").append(user).append(" lists them)");
        }
        m.append(": ").append(needed.stream().map(g -> g.etcdctl(role)).collect(Collectors.joining("; ")));
        if (user != null) {
            m.append("; etcdctl user grant-role ").append(user).append(' ').append(role);
        }
        m.append(". docs/security.md lists every permission of each part of Ferry.");
        return new EtcdPermissionDenied(m.toString(), needed, cause);
    }

    /**
     * {@code failure} as it is, or, when etcd denied a permission somewhere in it, an error that
     * names everything {@code part} needs, with {@code failure} as its cause.
     */
    public static RuntimeException explain(RuntimeException failure, EtcdConfig config, String part,
                                           List<EtcdGrant> needed) {
        if (failure instanceof EtcdPermissionDenied || !isDenied(failure)) {
            return failure;
        }
        return of(config, part, needed, failure);
    }

    /** What the refused operation needs. */
    public List<EtcdGrant> needed() {
        return needed;
    }

    /** Whether etcd answered "permission denied" anywhere in {@code t}'s chain of causes. */
    public static boolean isDenied(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof EtcdPermissionDenied) {
                return true;
            }
            if (c instanceof EtcdException e && e.getErrorCode() == ErrorCode.PERMISSION_DENIED) {
                return true;
            }
            if (Status.fromThrowable(c).getCode() == Status.Code.PERMISSION_DENIED) {
                return true;
            }
            if (c.getMessage() != null && c.getMessage().contains("etcdserver: permission denied")) {
                return true;
            }
        }
        return false;
    }
}
