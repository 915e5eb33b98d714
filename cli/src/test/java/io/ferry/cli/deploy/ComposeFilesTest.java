package io.ferry.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The compose pipeline as Docker Compose reads it (merge keys resolved): every long-running ferry service has a
 * healthcheck that runs the image's own {@code ferry health} in exec form (the image has no shell), on the file the
 * service itself reads, through the same Java runtime and main class as the image's entry point; and every
 * {@code service_healthy} dependency names a service that has a healthcheck, which Compose requires.
 * ImageTarballIT runs that same healthcheck inside the image.
 */
class ComposeFilesTest {

    private static final Set<String> LONG_RUNNING = Set.of("run", "watch", "sink", "reverse");

    @Test
    void everyLongRunningFerryServiceHasAHealthcheckCallingFerryHealth() {
        JsonNode services = DeployFiles.yamlWithMerges(DeployFiles.deploy("compose/compose.yaml")).path("services");
        List<String> ferryServices = new ArrayList<>();
        List<String> entrypoint = imageEntrypoint();
        for (Map.Entry<String, JsonNode> e : services.properties()) {
            String name = e.getKey();
            JsonNode service = e.getValue();
            List<String> command = strings(service.path("command"));
            if (!service.path("image").asText("").contains("ferry") || command.isEmpty()
                    || !LONG_RUNNING.contains(command.get(0))) {
                continue;
            }
            ferryServices.add(name);
            List<String> test = strings(DeployFiles.at(service, "healthcheck.test"));
            assertFalse(test.isEmpty(), name + " has no healthcheck");
            assertEquals("CMD", test.get(0), name + ": exec form, the image has no shell for CMD-SHELL: " + test);
            List<String> check = test.subList(1, test.size());
            int health = check.indexOf("health");
            assertTrue(health > 0, name + ": the healthcheck does not run ferry health: " + test);
            assertEquals(config(command), config(check.subList(health, check.size())),
                    name + ": the healthcheck reads another file than the service: " + test);
            assertEquals(entrypoint.get(0), check.get(0), name + ": not the image's Java runtime: " + test);
            assertEquals(entrypoint.get(entrypoint.size() - 1), check.get(health - 1), name + ": not ferry's main class: " + test);
            String classpath = entrypoint.get(entrypoint.indexOf("-cp") + 1);
            assertEquals(classpath, check.get(check.indexOf("-cp") + 1), name + ": not the image's class path: " + test);
            assertFalse(DeployFiles.at(service, "healthcheck.timeout").asText("").isEmpty(), name + ": no healthcheck timeout");
        }
        assertEquals(Set.of("watcher", "sink-postgres", "sink-mysql", "reverse-postgres"), Set.copyOf(ferryServices));

        for (Map.Entry<String, JsonNode> e : services.properties()) {
            e.getValue().path("depends_on").properties().forEach(d -> {
                if (d.getValue().path("condition").asText().equals("service_healthy")) {
                    assertTrue(services.path(d.getKey()).has("healthcheck"),
                            e.getKey() + " waits for " + d.getKey() + " to be healthy, which has no healthcheck");
                }
            });
        }
        for (String sink : List.of("sink-postgres", "sink-mysql")) {
            assertEquals("service_healthy", DeployFiles.at(services.path(sink), "depends_on.watcher.condition").asText(),
                    sink + " waits for the watcher, which creates the change topic");
        }
    }

    /** The value of {@code -c} in a command line. */
    private static String config(List<String> args) {
        int c = args.indexOf("-c");
        assertTrue(c >= 0 && c + 1 < args.size(), "no -c in " + args);
        return args.get(c + 1);
    }

    /** The entry point of the image as cli/pom.xml's Jib configuration gives it. */
    private static List<String> imageEntrypoint() {
        try {
            String pom = Files.readString(DeployFiles.root().resolve("cli/pom.xml"));
            Matcher block = Pattern.compile("(?s)<entrypoint>(.*?)</entrypoint>").matcher(pom);
            assertTrue(block.find(), "cli/pom.xml has no Jib entrypoint");
            List<String> args = new ArrayList<>();
            Matcher arg = Pattern.compile("<arg>(.*?)</arg>").matcher(block.group(1));
            while (arg.find()) {
                args.add(arg.group(1).trim());
            }
            return args;
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot read cli/pom.xml", e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
