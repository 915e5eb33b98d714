package io.ferry.values;

import static io.ferry.values.DiegoTest.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Kubernetes objects in each storage format of the API server, as they are found under /registry/ in etcd. */
class KubernetesDecoderTest {

    private final ValueDecoder k8s = Chains.of("[kubernetes]");

    private JsonNode decoded(byte[] value) {
        DecodeResult r = k8s.decode(value);
        assertTrue(r.ok(), r::toString);
        return r.document();
    }

    @Test
    void podFromProtobufReadsAsTheApiServersJson() {
        JsonNode pod = decoded(KubernetesValues.stored("v1", "Pod", KubernetesValues.pod("shop", "web-0", "storefront")));
        assertEquals("v1", pod.at("/apiVersion").asText());
        assertEquals("Pod", pod.at("/kind").asText());
        assertEquals("apiVersion", pod.fieldNames().next(), "apiVersion and kind come first, as in kubectl's JSON");
        assertEquals("shop", pod.at("/metadata/namespace").asText());
        assertEquals("web-0", pod.at("/metadata/name").asText());
        assertEquals("storefront", pod.at("/metadata/labels/app").asText());
        assertEquals("2024-05-01T10:00:00Z", pod.at("/metadata/creationTimestamp").asText());
        assertEquals("2024-05-01T10:00:05Z", pod.at("/status/startTime").asText());
        assertEquals("Running", pod.at("/status/phase").asText());
        assertEquals("node-1", pod.at("/spec/nodeName").asText());
        assertEquals("nginx:1.27", pod.at("/spec/containers/0/image").asText());
        assertEquals(8080, pod.at("/spec/containers/0/ports/0/containerPort").asInt());
        assertEquals("500m", pod.at("/spec/containers/0/resources/limits/cpu").asText(), "a Quantity is its string");
        assertEquals("http", pod.at("/spec/containers/0/livenessProbe/httpGet/port").asText(), "IntOrString: string");
        assertTrue(pod.at("/spec/containers/0/readinessProbe/tcpSocket/port").isInt(), "IntOrString: number");
        assertTrue(pod.at("/spec/activeDeadlineSeconds").isIntegralNumber(), "int64 as a number, as Kubernetes writes it");
        assertEquals(6_000_000_000L, pod.at("/spec/activeDeadlineSeconds").asLong());
        assertEquals("{}", pod.at("/metadata/managedFields/0/fieldsV1/f:metadata").toString(), "FieldsV1 is its JSON");
        // Structs that Go embeds inline are merged into their parent, as in the API's JSON.
        assertEquals("/healthz", pod.at("/spec/containers/0/livenessProbe/httpGet/path").asText());
        assertEquals("settings", pod.at("/spec/volumes/0/configMap/name").asText());
        assertEquals(420, pod.at("/spec/volumes/0/configMap/defaultMode").asInt());
        assertTrue(pod.at("/spec/containers/0/livenessProbe/handler").isMissingNode());
    }

    @Test
    void configMapAndDeployment() {
        JsonNode cm = decoded(KubernetesValues.stored("v1", "ConfigMap", KubernetesValues.configMap("shop", "settings")));
        assertEquals("ConfigMap", cm.at("/kind").asText());
        assertEquals("debug", cm.at("/data/log.level").asText());
        assertEquals("AAEC/w==", cm.at("/binaryData/blob").asText(), "bytes in base64, as in the API's JSON");

        JsonNode d = decoded(KubernetesValues.stored("apps/v1", "Deployment", KubernetesValues.deployment("shop", "api")));
        assertEquals(3, d.at("/spec/replicas").asInt());
        assertEquals("api", d.at("/spec/selector/matchLabels/app").asText());
    }

    @Test
    void customResourcesAsJsonAndCbor() throws Exception {
        JsonNode json = decoded(KubernetesValues.customResourceJson("shop", "nightly"));
        assertEquals("CronTab", json.at("/kind").asText());
        assertEquals(2, json.at("/spec/replicas").asInt());

        JsonNode cbor = decoded(KubernetesValues.customResourceCbor("shop", "nightly"));
        assertEquals("stable.example.com/v1", cbor.at("/apiVersion").asText());
        assertEquals("nightly", cbor.at("/metadata/name").asText(), "a UTF-8 byte string reads as text");
        assertEquals("my-cron-image", cbor.at("/spec/image").asText());
        assertEquals(2, cbor.at("/spec/replicas").asInt());
    }

    @Test
    void encryptedAtRestIsCountedNotDecoded() {
        byte[] aescbc = BbsValues.concat("k8s:enc:aescbc:v1:key1:".getBytes(StandardCharsets.US_ASCII), new byte[] {1, 2, 3, 0, 9});
        assertFailure(DecodeFailure.ENCRYPTED_AT_REST, "(k8s:enc:aescbc:v1:key1:)", k8s.decode(aescbc));
        byte[] kms = BbsValues.concat("k8s:enc:kms:v2:vault-kms:".getBytes(StandardCharsets.US_ASCII), new byte[] {10, 20, 30});
        assertFailure(DecodeFailure.ENCRYPTED_AT_REST, "(k8s:enc:kms:v2:vault-kms:)", k8s.decode(kms));
    }

    @Test
    void kindsWithoutABuiltInTypeAreTheWrongType() {
        ByteString raw = KubernetesValues.pod("a", "b", "c").toByteString();
        assertFailure(DecodeFailure.WRONG_TYPE, "metrics.k8s.io/v1beta1 PodMetrics",
                k8s.decode(KubernetesValues.stored("metrics.k8s.io/v1beta1", "PodMetrics", raw)));
        // A group that is not Kubernetes' own is never read as a built-in kind of the same name.
        assertFailure(DecodeFailure.WRONG_TYPE, "apps.example.com/v1 Deployment",
                k8s.decode(KubernetesValues.stored("apps.example.com/v1", "Deployment", raw)));
        ByteString deployment = KubernetesValues.deployment("shop", "api").toByteString();
        assertEquals("Deployment", decoded(KubernetesValues.stored("apps/v1", "Deployment", deployment)).at("/kind").asText());
    }

    @Test
    void truncatedAndForeignBytesAreUndecodable() {
        byte[] pod = KubernetesValues.stored("v1", "Pod", KubernetesValues.pod("shop", "web-0", "storefront"));
        assertFailure(DecodeFailure.UNDECODABLE, "corrupt", k8s.decode(java.util.Arrays.copyOf(pod, pod.length - 40)));
        assertFailure(DecodeFailure.UNDECODABLE, "corrupt", k8s.decode(java.util.Arrays.copyOf(pod, 5)));
        assertFailure(DecodeFailure.UNDECODABLE, "names no kind", k8s.decode(KubernetesValues.stored("v1", "",
                KubernetesValues.configMap("a", "b"))));
        assertFailure(DecodeFailure.UNDECODABLE, "not a format the API server stores", k8s.decode(new byte[] {1, 2, 3}));
        assertFailure(DecodeFailure.UNDECODABLE, "empty value", k8s.decode(new byte[0]));
        assertFailure(DecodeFailure.UNDECODABLE, "not JSON", k8s.decode("{\"kind\": ".getBytes(StandardCharsets.UTF_8)));
        assertFailure(DecodeFailure.WRONG_TYPE, "not an object", k8s.decode(new byte[] {(byte) 0xd9, (byte) 0xd9, (byte) 0xf7, 0x01}));
        V1.ConfigMap farFuture = KubernetesValues.configMap("a", "b").toBuilder()
                .setMetadata(KubernetesValues.meta("a", "b").setCreationTimestamp(Meta.Time.newBuilder().setSeconds(Long.MAX_VALUE)))
                .build();
        assertFailure(DecodeFailure.UNDECODABLE, "out of any calendar's range",
                k8s.decode(KubernetesValues.stored("v1", "ConfigMap", farFuture)));
        byte[] json = KubernetesValues.stored("v1", "Pod", ByteString.copyFromUtf8("not protobuf at all, just text"));
        DecodeResult r = k8s.decode(json);
        assertFalse(r.ok(), r::toString);
    }

    @Test
    void customResourceDefinitionKeepsItsSchemasJsonNames() {
        JsonNode crd = decoded(KubernetesValues.stored("apiextensions.k8s.io/v1", "CustomResourceDefinition",
                KubernetesValues.crd()));
        JsonNode spec = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
        assertTrue(spec.at("/x-kubernetes-preserve-unknown-fields").asBoolean(), spec::toString);
        assertTrue(spec.at("/additionalProperties").isBoolean(), "JSONSchemaPropsOrBool is the bool it holds");
        assertEquals("string", spec.at("/properties/cronSpec/type").asText());
        assertEquals("stable.example.com", crd.at("/spec/group").asText());
    }

    @Test
    void timesAreSecondsAndMicroTimesMicroseconds() {
        V1.Event event = V1.Event.newBuilder().setMetadata(KubernetesValues.meta("shop", "e1"))
                .setEventTime(Meta.MicroTime.newBuilder().setSeconds(KubernetesValues.CREATED).setNanos(123_456_789))
                .setFirstTimestamp(Meta.Time.newBuilder().setSeconds(KubernetesValues.CREATED).setNanos(999_000_000))
                .setCount(4).build();
        JsonNode e = decoded(KubernetesValues.stored("v1", "Event", event));
        assertEquals("2024-05-01T10:00:00.123456Z", e.at("/eventTime").asText());
        assertEquals("2024-05-01T10:00:00Z", e.at("/firstTimestamp").asText());
        assertEquals(4, e.at("/count").asInt());
    }
}
