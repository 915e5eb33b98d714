package io.ferry.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.config.FerryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Walks every Kubernetes manifest under {@code deploy/k8s} and checks the fields its kind
 * requires, plus the ones Ferry relies on (startup, liveness and readiness probes on /health and
 * /ready, resources, selectors that match their pods), since no cluster is at hand to reject a
 * broken file. The files the kustomizations generate the ConfigMap and the Secret from are checked
 * as what they are: ferry.yaml files that load, using only the variables the Secret provides.
 * KustomizeRenderTest renders the overlays with kustomize itself.
 */
class KubernetesManifestsTest {

    private static final Map<String, List<String>> REQUIRED = Map.of(
            "Deployment", List.of("spec.selector.matchLabels", "spec.template.metadata.labels", "spec.template.spec.containers"),
            "Service", List.of("spec.selector", "spec.ports"),
            "PodDisruptionBudget", List.of("spec.selector.matchLabels"),
            "ServiceMonitor", List.of("spec.selector", "spec.endpoints"));
    private static final Set<String> KUSTOMIZE_KINDS = Set.of("Kustomization", "Component");

    @Test
    void everyManifestHasTheFieldsItsKindRequires() {
        Set<Path> generatorInputs = generatorInputs();
        List<String> kinds = new ArrayList<>();
        for (Path f : DeployFiles.find("k8s", ".yaml")) {
            if (generatorInputs.contains(f)) {
                continue; // a ferry.yaml, not a manifest: generatorInputsAreFerryConfigurations
            }
            for (JsonNode doc : DeployFiles.yamlDocuments(f)) {
                String where = DeployFiles.root().relativize(f).toString();
                String kind = doc.path("kind").asText("");
                assertFalse(kind.isEmpty(), where + ": no kind");
                assertFalse(doc.path("apiVersion").asText("").isEmpty(), where + ": no apiVersion");
                kinds.add(kind);
                if (KUSTOMIZE_KINDS.contains(kind)) {
                    checkKustomization(f, doc, where);
                    continue;
                }
                assertFalse(DeployFiles.at(doc, "metadata.name").asText("").isEmpty(), where + ": no metadata.name");
                for (String field : REQUIRED.getOrDefault(kind, List.of())) {
                    JsonNode n = DeployFiles.at(doc, field);
                    assertTrue(!n.isMissingNode() && !n.isNull() && n.size() > 0, where + " (" + kind + "): " + field + " is missing or empty");
                }
                if (kind.equals("Deployment")) {
                    checkDeployment(doc, where);
                }
                if (kind.equals("PodDisruptionBudget")) {
                    assertTrue(DeployFiles.at(doc, "spec.minAvailable").isValueNode()
                            || DeployFiles.at(doc, "spec.maxUnavailable").isValueNode(), where + ": needs minAvailable or maxUnavailable");
                }
                assertFalse(Set.of("ConfigMap", "Secret").contains(kind), where + ": " + kind + " is generated "
                        + "(configMapGenerator, secretGenerator), so that a change renames it and rolls the pods");
            }
        }
        for (String expected : List.of("Deployment", "Service", "PodDisruptionBudget", "ServiceMonitor", "Kustomization",
                "Component")) {
            assertTrue(kinds.contains(expected), "deploy/k8s has no " + expected + ": " + kinds);
        }
    }

    /** Without the Prometheus Operator's CRD, a ServiceMonitor in the base would make kubectl refuse the whole apply. */
    @Test
    void theServiceMonitorIsAnOptionalComponent() {
        JsonNode base = DeployFiles.yaml(DeployFiles.deploy("k8s/base/kustomization.yaml"));
        List<String> resources = new ArrayList<>();
        base.path("resources").forEach(r -> resources.add(r.asText()));
        for (String r : resources) {
            for (JsonNode doc : DeployFiles.yamlDocuments(DeployFiles.deploy("k8s/base").resolve(r))) {
                assertFalse(doc.path("apiVersion").asText().startsWith("monitoring.coreos.com/"),
                        "base/" + r + " needs the Prometheus Operator: " + doc.path("kind").asText());
            }
        }
        JsonNode component = DeployFiles.yaml(DeployFiles.deploy("k8s/components/monitoring/kustomization.yaml"));
        assertEquals("Component", component.path("kind").asText());
        assertEquals("kustomize.config.k8s.io/v1alpha1", component.path("apiVersion").asText());
        assertEquals("servicemonitor.yaml", component.path("resources").path(0).asText());
    }

    /** The ConfigMap and Secret come from generators; what the Deployments mount and read is generated. */
    @Test
    void generatorInputsAreFerryConfigurations() throws IOException {
        JsonNode base = DeployFiles.yaml(DeployFiles.deploy("k8s/base/kustomization.yaml"));
        assertEquals("ferry-config", DeployFiles.at(base, "configMapGenerator").path(0).path("name").asText());
        assertEquals("ferry-credentials", DeployFiles.at(base, "secretGenerator").path(0).path("name").asText());
        Map<String, String> secret = envFile(DeployFiles.deploy("k8s/base").resolve(
                base.path("secretGenerator").path(0).path("envs").path(0).asText()));
        assertTrue(secret.containsKey("FERRY_DB_PASSWORD"), secret.keySet().toString());
        for (Path overlay : List.of(DeployFiles.deploy("k8s/base"), DeployFiles.deploy("k8s/overlays/postgres"),
                DeployFiles.deploy("k8s/overlays/mysql"))) {
            JsonNode k = DeployFiles.yaml(overlay.resolve("kustomization.yaml"));
            JsonNode generator = k.path("configMapGenerator").path(0);
            assertEquals("ferry-config", generator.path("name").asText(), overlay + ": generates ferry-config");
            if (!overlay.endsWith("base")) {
                assertEquals("replace", generator.path("behavior").asText(), overlay + ": replaces the base's ferry.yaml");
            }
            Path file = overlay.resolve(fileOf(generator.path("files").path(0).asText()));
            assertEquals("ferry.yaml", keyOf(generator.path("files").path(0).asText()), overlay + ": the key is ferry.yaml");
            // Loads only with the Secret's variables: a ${VAR} it does not define fails here, not in the pod.
            FerryConfig c = FerryConfig.load(file, secret);
            assertEquals("0.0.0.0", c.http().bind(), file + ": probes reach the pod's IP");
            assertEquals(8787, c.http().port(), file + ": the containerPort the probes use");
        }
    }

    private static void checkDeployment(JsonNode doc, String where) {
        JsonNode labels = DeployFiles.at(doc, "spec.template.metadata.labels");
        DeployFiles.at(doc, "spec.selector.matchLabels").properties().forEach(e ->
                assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(), where + ": the selector does not match the pod labels"));
        for (JsonNode c : DeployFiles.at(doc, "spec.template.spec.containers")) {
            String name = c.path("name").asText("");
            assertFalse(name.isEmpty(), where + ": a container without a name");
            assertFalse(c.path("image").asText("").isEmpty(), where + ": container " + name + " has no image");
            String startup = DeployFiles.at(c, "startupProbe.httpGet.path").asText("");
            String liveness = DeployFiles.at(c, "livenessProbe.httpGet.path").asText("");
            String readiness = DeployFiles.at(c, "readinessProbe.httpGet.path").asText("");
            assertEquals("/health", startup, where + ": container " + name + " startup must probe /health");
            assertEquals("/health", liveness, where + ": container " + name + " liveness must probe /health");
            assertTrue(Set.of("/health", "/ready").contains(readiness), where + ": container " + name + " readiness probes " + readiness);
            assertTrue(DeployFiles.at(c, "startupProbe.periodSeconds").asInt(10)
                    * DeployFiles.at(c, "startupProbe.failureThreshold").asInt(3) >= 120,
                    where + ": container " + name + " gets at least 2 minutes to start");
            for (String r : List.of("resources.requests.cpu", "resources.requests.memory", "resources.limits.memory")) {
                assertFalse(DeployFiles.at(c, r).asText("").isEmpty(), where + ": container " + name + " has no " + r);
            }
        }
        List<String> configMaps = new ArrayList<>();
        DeployFiles.at(doc, "spec.template.spec.volumes").forEach(v -> {
            if (v.has("configMap")) {
                configMaps.add(v.path("configMap").path("name").asText());
            }
        });
        assertEquals(List.of("ferry-config"), configMaps, where + ": mounts the generated ferry-config");
    }

    private static void checkKustomization(Path file, JsonNode doc, String where) {
        Set<String> referenced = new HashSet<>();
        doc.path("resources").forEach(r -> referenced.add(r.asText()));
        doc.path("components").forEach(r -> referenced.add(r.asText()));
        doc.path("patches").forEach(p -> referenced.add(p.path("path").asText()));
        generatorFiles(doc).forEach(referenced::add);
        assertFalse(referenced.isEmpty(), where + ": a kustomization with no resources");
        for (String r : referenced) {
            Path target = file.getParent().resolve(r).normalize();
            assertTrue(Files.exists(target), where + ": refers to " + r + ", which does not exist");
        }
    }

    /** Every file some kustomization generates a ConfigMap or Secret from. */
    private static Set<Path> generatorInputs() {
        Set<Path> inputs = new HashSet<>();
        for (Path f : DeployFiles.find("k8s", "kustomization.yaml")) {
            generatorFiles(DeployFiles.yaml(f)).forEach(g -> inputs.add(f.getParent().resolve(g).normalize()));
        }
        return inputs;
    }

    /** The files of a kustomization's generators ({@code files:} entries may be {@code key=path}). */
    private static List<String> generatorFiles(JsonNode kustomization) {
        List<String> files = new ArrayList<>();
        for (String generator : List.of("configMapGenerator", "secretGenerator")) {
            kustomization.path(generator).forEach(g -> {
                g.path("files").forEach(x -> files.add(fileOf(x.asText())));
                g.path("envs").forEach(x -> files.add(x.asText()));
            });
        }
        return files;
    }

    private static String fileOf(String entry) {
        return entry.contains("=") ? entry.substring(entry.indexOf('=') + 1) : entry;
    }

    private static String keyOf(String entry) {
        return entry.contains("=") ? entry.substring(0, entry.indexOf('=')) : Path.of(entry).getFileName().toString();
    }

    /** KEY=value lines, as kustomize reads an env file: blank lines and # comments skipped. */
    private static Map<String, String> envFile(Path file) {
        Map<String, String> env = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                assertTrue(eq > 0, file + ": not KEY=value: " + line);
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }
}
