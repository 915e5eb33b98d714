package io.ferry.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overlays as {@code kubectl kustomize} renders them (kustomize built into kubectl; no cluster needed):
 * the ConfigMap and the Secret carry a content hash in their names, and every Deployment mounts and reads
 * exactly those, so a change to ferry.yaml or a credential rolls the pods; the overlay's own ferry.yaml is the
 * one generated; no ServiceMonitor unless the monitoring component is added, and then one whose selector
 * matches the Services. Skipped, saying so, where kubectl is not installed; KubernetesManifestsTest checks the
 * files themselves everywhere.
 */
class KustomizeRenderTest {

    @TempDir
    Path dir;

    @Test
    void theOverlaysRenderWithGeneratedNamesAndWithoutTheOperatorsKinds() throws Exception {
        for (String overlay : List.of("postgres", "mysql")) {
            List<JsonNode> docs = render(DeployFiles.deploy("k8s/overlays/" + overlay));
            String where = "overlays/" + overlay;
            assertTrue(kinds(docs).stream().noneMatch(k -> k.equals("ServiceMonitor")), where + ": " + kinds(docs));
            JsonNode configMap = only(docs, "ConfigMap");
            JsonNode secret = only(docs, "Secret");
            String configName = configMap.path("metadata").path("name").asText();
            String secretName = secret.path("metadata").path("name").asText();
            assertTrue(configName.matches("ferry-config-[a-z0-9]{10}"), where + ": " + configName);
            assertTrue(secretName.matches("ferry-credentials-[a-z0-9]{10}"), where + ": " + secretName);
            assertEquals(Files.readString(DeployFiles.deploy("k8s/overlays/" + overlay + "/ferry.yaml")),
                    configMap.path("data").path("ferry.yaml").asText(), where + ": the overlay's ferry.yaml replaces the base's");
            assertTrue(secret.path("data").has("FERRY_DB_PASSWORD"), where + ": " + secret.path("data"));

            List<JsonNode> deployments = all(docs, "Deployment");
            assertEquals(3, deployments.size(), where);
            for (JsonNode d : deployments) {
                String name = d.path("metadata").path("name").asText();
                JsonNode pod = d.path("spec").path("template").path("spec");
                List<String> mounted = new ArrayList<>();
                pod.path("volumes").forEach(v -> v.path("configMap").path("name").asText("").lines().forEach(mounted::add));
                assertEquals(List.of(configName), mounted.stream().filter(s -> !s.isEmpty()).toList(),
                        where + " " + name + ": mounts the generated ConfigMap");
                for (JsonNode c : pod.path("containers")) {
                    List<String> secrets = new ArrayList<>();
                    c.path("envFrom").forEach(e -> secrets.add(e.path("secretRef").path("name").asText()));
                    assertEquals(List.of(secretName), secrets, where + " " + name + ": reads the generated Secret");
                    assertEquals("/health", c.path("startupProbe").path("httpGet").path("path").asText(), where + " " + name);
                }
            }
        }
    }

    @Test
    void theMonitoringComponentAddsAServiceMonitorThatSelectsTheServices() throws Exception {
        Path overlay = Files.createDirectories(dir.resolve("with-monitoring"));
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s
                components:
                  - %s
                """.formatted(overlay.relativize(DeployFiles.deploy("k8s/overlays/postgres")),
                overlay.relativize(DeployFiles.deploy("k8s/components/monitoring"))));
        List<JsonNode> docs = render(overlay);
        JsonNode monitor = only(docs, "ServiceMonitor");
        JsonNode selector = monitor.path("spec").path("selector").path("matchLabels");
        List<JsonNode> services = all(docs, "Service");
        assertEquals(3, services.size(), kinds(docs).toString());
        for (JsonNode s : services) {
            selector.properties().forEach(l -> assertEquals(l.getValue().asText(),
                    s.path("metadata").path("labels").path(l.getKey()).asText(), s.path("metadata").path("name") + " is scraped"));
            assertEquals(monitor.path("spec").path("endpoints").path(0).path("port").asText(),
                    s.path("spec").path("ports").path(0).path("name").asText());
        }
    }

    private static List<JsonNode> render(Path kustomization) throws IOException, InterruptedException {
        Optional<Path> kubectl = kubectl();
        Assumptions.assumeTrue(kubectl.isPresent(), "kubectl is not installed: the overlays are not rendered here");
        Process p = new ProcessBuilder(kubectl.get().toString(), "kustomize", kustomization.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String err;
        String out;
        try (var stdout = p.getInputStream(); var stderr = p.getErrorStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            err = new String(stderr.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish");
        assertEquals(0, p.exitValue(), "kubectl kustomize " + kustomization + ":\n" + err);
        Path rendered = Files.createTempFile("ferry-kustomize", ".yaml");
        try {
            Files.writeString(rendered, out);
            return DeployFiles.yamlDocuments(rendered);
        } finally {
            Files.deleteIfExists(rendered);
        }
    }

    private static Optional<Path> kubectl() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "kubectl")).filter(Files::isExecutable).findFirst();
    }

    private static List<String> kinds(List<JsonNode> docs) {
        return docs.stream().map(d -> d.path("kind").asText()).toList();
    }

    private static List<JsonNode> all(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode only(List<JsonNode> docs, String kind) {
        List<JsonNode> found = all(docs, kind);
        assertEquals(1, found.size(), "one " + kind + " in " + kinds(docs));
        return found.get(0);
    }
}
