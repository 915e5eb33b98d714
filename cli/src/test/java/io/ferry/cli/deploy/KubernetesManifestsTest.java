package io.ferry.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Walks every Kubernetes manifest under {@code deploy/k8s} and checks the fields its kind
 * requires, plus the ones Ferry relies on (probes on /health and /ready, resources, selectors
 * that match their pods), since no cluster is at hand to reject a broken file.
 */
class KubernetesManifestsTest {

    private static final Map<String, List<String>> REQUIRED = Map.of(
            "Deployment", List.of("spec.selector.matchLabels", "spec.template.metadata.labels", "spec.template.spec.containers"),
            "Service", List.of("spec.selector", "spec.ports"),
            "ConfigMap", List.of("data"),
            "Secret", List.of("stringData"),
            "PodDisruptionBudget", List.of("spec.selector.matchLabels"),
            "ServiceMonitor", List.of("spec.selector", "spec.endpoints"));

    @Test
    void everyManifestHasTheFieldsItsKindRequires() {
        List<String> kinds = new ArrayList<>();
        for (Path f : DeployFiles.find("k8s", ".yaml")) {
            for (JsonNode doc : DeployFiles.yamlDocuments(f)) {
                String where = DeployFiles.root().relativize(f).toString();
                String kind = doc.path("kind").asText("");
                assertFalse(kind.isEmpty(), where + ": no kind");
                assertFalse(doc.path("apiVersion").asText("").isEmpty(), where + ": no apiVersion");
                kinds.add(kind);
                if (kind.equals("Kustomization")) {
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
            }
        }
        for (String expected : List.of("Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget", "ServiceMonitor",
                "Kustomization")) {
            assertTrue(kinds.contains(expected), "deploy/k8s has no " + expected + ": " + kinds);
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
            String liveness = DeployFiles.at(c, "livenessProbe.httpGet.path").asText("");
            String readiness = DeployFiles.at(c, "readinessProbe.httpGet.path").asText("");
            assertEquals("/health", liveness, where + ": container " + name + " liveness must probe /health");
            assertTrue(Set.of("/health", "/ready").contains(readiness), where + ": container " + name + " readiness probes " + readiness);
            for (String r : List.of("resources.requests.cpu", "resources.requests.memory", "resources.limits.memory")) {
                assertFalse(DeployFiles.at(c, r).asText("").isEmpty(), where + ": container " + name + " has no " + r);
            }
        }
    }

    private static void checkKustomization(Path file, JsonNode doc, String where) {
        Set<String> referenced = new HashSet<>();
        doc.path("resources").forEach(r -> referenced.add(r.asText()));
        doc.path("patches").forEach(p -> referenced.add(p.path("path").asText()));
        assertFalse(referenced.isEmpty(), where + ": a kustomization with no resources");
        for (String r : referenced) {
            Path target = file.getParent().resolve(r).normalize();
            assertTrue(Files.exists(target), where + ": refers to " + r + ", which does not exist");
        }
    }
}
