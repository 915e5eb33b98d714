package io.ferry.clients;

import io.etcd.jetcd.auth.Permission;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One etcd permission a part of Ferry needs: on one key, on every key under a prefix, or on the
 * keys in {@code [key, rangeEnd)}. It prints itself as words for an error and as the
 * {@code etcdctl role grant-permission} command that grants it.
 *
 * @param type read, write or readwrite
 * @param key the key, the prefix, or the start of the range
 * @param rangeEnd the end of the range (exclusive), or null for one key or a prefix
 * @param prefix whether {@code key} is a prefix
 */
public record EtcdGrant(Permission.Type type, String key, String rangeEnd, boolean prefix) {

    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9/._:@%+=,-]+");

    /** {@code type} on every key that starts with {@code prefix}. */
    public static EtcdGrant prefix(String prefix, Permission.Type type) {
        return new EtcdGrant(type, prefix, null, true);
    }

    /** {@code type} on the single key {@code key}. */
    public static EtcdGrant key(String key, Permission.Type type) {
        return new EtcdGrant(type, key, null, false);
    }

    /** {@code type} on the keys from {@code from} up to, not including, {@code end}. */
    public static EtcdGrant range(String from, String end, Permission.Type type) {
        return new EtcdGrant(type, from, end, false);
    }

    /** For example {@code readwrite on the prefix 'ferry-election/watcher/t'}. */
    public String describe() {
        String what = prefix ? "the prefix '" + key + "'" : rangeEnd != null ? "the keys from '" + key + "' up to '"
                + rangeEnd + "'" : "the key '" + key + "'";
        return name() + " on " + what;
    }

    /** The command that grants it to {@code role}. */
    public String etcdctl(String role) {
        return "etcdctl role grant-permission " + role + " " + name() + (prefix ? " --prefix=true " : " ") + quote(key)
                + (rangeEnd != null ? " " + quote(rangeEnd) : "");
    }

    private String name() {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private static String quote(String s) {
        return SHELL_SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
