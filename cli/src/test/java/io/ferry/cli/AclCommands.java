package io.ferry.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The {@code kafka-acls.sh --add} commands of {@code docs/security.md}, read from the document and
 * turned into the bindings {@code kafka-acls.sh} would create, so that the tests grant exactly what
 * the document tells an operator to grant. Only the options the document uses are understood; any
 * other fails the test rather than be ignored.
 */
final class AclCommands {

    static final Path DOC = Path.of("..", "docs", "security.md");
    private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+)|\\$\\{(\\w+)}");

    private AclCommands() {
    }

    /**
     * The bindings of the commands in the {@code sh} block after {@code <!-- acls:<block> -->}, with
     * {@code $NAME} replaced from {@code vars}.
     */
    static List<AclBinding> fromDoc(String block, Map<String, String> vars) throws IOException {
        String doc = Files.readString(DOC);
        String marker = "<!-- acls:" + block + " -->\n```sh\n";
        int start = doc.indexOf(marker);
        if (start < 0) {
            throw new AssertionError("no block '" + block + "' in " + DOC);
        }
        String body = doc.substring(start + marker.length(), doc.indexOf("\n```", start + marker.length()));
        List<AclBinding> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.addAll(parse(substitute(line, vars)));
            }
        }
        return out;
    }

    private static String substitute(String line, Map<String, String> vars) {
        Matcher m = VARIABLE.matcher(line);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            if (!vars.containsKey(name)) {
                throw new AssertionError("no value for $" + name + " in: " + line);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(vars.get(name)));
        }
        return m.appendTail(sb).toString();
    }

    /** One command, as {@code kafka-acls.sh} reads it: every operation on every resource named. */
    static List<AclBinding> parse(String command) {
        List<String> args = words(command);
        if (!args.get(0).equals("kafka-acls.sh") || !args.contains("--add")) {
            throw new AssertionError("not a kafka-acls.sh --add command: " + command);
        }
        List<String> principals = new ArrayList<>();
        List<AclOperation> operations = new ArrayList<>();
        List<ResourcePattern> resources = new ArrayList<>();
        List<ResourceType> types = new ArrayList<>();
        List<String> names = new ArrayList<>();
        PatternType pattern = PatternType.LITERAL;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--add" -> { }
                case "--bootstrap-server", "--command-config" -> i++;
                case "--allow-principal" -> principals.add(args.get(++i));
                case "--operation" -> operations.add(operation(args.get(++i)));
                case "--topic" -> add(types, names, ResourceType.TOPIC, args.get(++i));
                case "--group" -> add(types, names, ResourceType.GROUP, args.get(++i));
                case "--transactional-id" -> add(types, names, ResourceType.TRANSACTIONAL_ID, args.get(++i));
                case "--cluster" -> add(types, names, ResourceType.CLUSTER, "kafka-cluster");
                case "--resource-pattern-type" -> pattern = PatternType.fromString(args.get(++i));
                default -> throw new AssertionError("option " + a + " is not understood here: " + command);
            }
        }
        for (int r = 0; r < types.size(); r++) {
            resources.add(new ResourcePattern(types.get(r), names.get(r), pattern));
        }
        List<AclBinding> out = new ArrayList<>();
        for (ResourcePattern resource : resources) {
            for (String principal : principals) {
                for (AclOperation op : operations) {
                    out.add(new AclBinding(resource, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
                }
            }
        }
        if (out.isEmpty()) {
            throw new AssertionError("grants nothing: " + command);
        }
        return out;
    }

    private static void add(List<ResourceType> types, List<String> names, ResourceType type, String name) {
        types.add(type);
        names.add(name);
    }

    /** kafka-acls.sh's operation names: Write, DescribeConfigs, IdempotentWrite, ... */
    private static AclOperation operation(String name) {
        AclOperation op = AclOperation.fromString(name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
        if (op == AclOperation.UNKNOWN) {
            throw new AssertionError("unknown operation " + name);
        }
        return op;
    }

    /** Splits on spaces, keeping double-quoted words whole. */
    private static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }
}
