package io.ferry.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who the broker's ACLs let write Ferry's topics. Whoever may write the change topic can change SQL
 * (a forged snapshot bracket sweeps rows, a forged high revision pins one), so only the watcher's
 * principal should. This reads the ACLs that match each topic (literal, prefixed and the {@code *}
 * wildcard) and names every other principal that may write it. It sees only ACLs: super users and a
 * broker without an authorizer are beyond it (the latter is reported).
 */
public final class TopicWriters {

    /**
     * What was found.
     *
     * @param warnings principals other than the expected ones (or a wildcard principal) that may write a topic,
     *     or a broker with no authorizer; each names the ACL and the fix
     * @param notes what could not be checked, and why
     */
    public record Report(List<String> warnings, List<String> notes) {
    }

    private final Admin admin;
    private final String bootstrap;
    private final Duration timeout;

    public TopicWriters(Admin admin, String bootstrap, Duration timeout) {
        this.admin = admin;
        this.bootstrap = bootstrap;
        this.timeout = timeout;
    }

    /**
     * Checks each topic against {@code expected}, the principals meant to write it (e.g.
     * {@code User:ferry-watcher}); with none expected, only wildcard principals and several writers
     * are warned about.
     */
    public Report inspect(Collection<String> topics, Collection<String> expected) {
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String topic : topics) {
            Collection<AclBinding> acls;
            try {
                acls = admin.describeAcls(new AclBindingFilter(new ResourcePatternFilter(ResourceType.TOPIC, topic,
                        PatternType.MATCH), AccessControlEntryFilter.ANY)).values().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SecurityDisabledException) {
                    warnings.add("Kafka at " + bootstrap + " has no authorizer: any client that can connect may write topic "
                            + topic + " and so change SQL. Turn ACLs on and let only the watcher's principal write it, and "
                            + "set signing.key (docs/security.md).");
                    return new Report(warnings, notes);
                }
                if (e.getCause() instanceof AuthorizationException) {
                    notes.add("cannot see who may write the topics at " + bootstrap + ": this principal may not describe "
                            + "ACLs (that needs DESCRIBE on the cluster). Check by hand that only the watcher's principal "
                            + "may write them: kafka-acls.sh --bootstrap-server " + bootstrap + " --list --topic " + topic
                            + " --resource-pattern-type match");
                    return new Report(warnings, notes);
                }
                notes.add("cannot read the ACLs of topic " + topic + " at " + bootstrap + ": " + e.getCause());
                continue;
            } catch (TimeoutException e) {
                notes.add("cannot read the ACLs of topic " + topic + " at " + bootstrap + " within " + timeout.toMillis()
                        + " ms: is Kafka reachable with these kafka.* settings?");
                return new Report(warnings, notes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                notes.add("interrupted while reading the ACLs of topic " + topic);
                return new Report(warnings, notes);
            }
            warnings.addAll(judge(topic, acls, expected, bootstrap));
        }
        return new Report(warnings, notes);
    }

    /** The warnings about one topic's ACLs, each with the commands that remove the ACLs it names. */
    static List<String> judge(String topic, Collection<AclBinding> acls, Collection<String> expected, String bootstrap) {
        Set<String> denied = new TreeSet<>();
        for (AclBinding b : acls) {
            if (b.entry().permissionType() == AclPermissionType.DENY && writes(b) && "*".equals(b.entry().host())) {
                denied.add(b.entry().principal());
            }
        }
        TreeMap<String, List<AclBinding>> writers = new TreeMap<>();
        for (AclBinding b : acls) {
            String principal = b.entry().principal();
            if (b.entry().permissionType() == AclPermissionType.ALLOW && writes(b) && !denied.contains(principal)
                    && !denied.contains("User:*")) {
                writers.computeIfAbsent(principal, p -> new ArrayList<>()).add(b);
            }
        }
        List<String> warnings = new ArrayList<>();
        writers.forEach((principal, bindings) -> {
            boolean wildcard = principal.endsWith(":*");
            if (wildcard || (!expected.isEmpty() && !expected.contains(principal))) {
                List<String> found = new ArrayList<>();
                List<String> fixes = new ArrayList<>();
                for (AclBinding b : bindings) {
                    found.add(b.entry().operation() + " on " + pattern(b) + " topic '" + b.pattern().name() + "' from host "
                            + b.entry().host());
                    fixes.add("kafka-acls.sh --bootstrap-server " + bootstrap + " --remove --allow-principal '" + principal
                            + "' --allow-host '" + b.entry().host() + "' --operation " + operation(b) + " --topic '"
                            + b.pattern().name() + "' --resource-pattern-type " + pattern(b));
                }
                warnings.add((wildcard ? "every principal (" + principal + ")" : "principal " + principal) + " may write topic "
                        + topic + " (" + String.join("; ", found) + "), and whoever writes it can change SQL. Only "
                        + (expected.isEmpty() ? "the watcher's principal" : String.join(", ", expected)) + " should. "
                        + "Remove it: " + String.join(" ; ", fixes));
            }
        });
        if (expected.isEmpty() && writers.size() > 1) {
            warnings.add("principals " + writers.keySet() + " may all write topic " + topic + ", and whoever writes it can "
                    + "change SQL. Only the watcher's should; name it in watcher.kafka.principals so that ferry check can "
                    + "tell which.");
        }
        return warnings;
    }

    private static String pattern(AclBinding b) {
        return b.pattern().patternType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** As kafka-acls.sh spells it: Write, All. */
    private static String operation(AclBinding b) {
        String name = b.entry().operation().name();
        return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean writes(AclBinding b) {
        AclOperation op = b.entry().operation();
        return op == AclOperation.WRITE || op == AclOperation.ALL;
    }
}
