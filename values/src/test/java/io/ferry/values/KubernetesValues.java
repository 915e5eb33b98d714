package io.ferry.values;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apiextensions;
import io.kubernetes.client.proto.V1Apps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Kubernetes objects as the API server stores them in etcd: {@code k8s\0} and a {@code runtime.Unknown}
 * (apiVersion, kind, the object's protobuf) for built-in kinds, JSON for custom resources, self-described
 * CBOR for custom resources under the CBOR feature gates. Built from client-java-proto's classes. Public for the
 * sink's mapped-table tests, which get it through this module's test-jar.
 */
public final class KubernetesValues {

    public static final long CREATED = 1_714_557_600L; // 2024-05-01T10:00:00Z

    private KubernetesValues() {
    }

    /** The storage form of a built-in object. */
    public static byte[] stored(String apiVersion, String kind, Message object) {
        return stored(apiVersion, kind, object.toByteString());
    }

    public static byte[] stored(String apiVersion, String kind, ByteString raw) {
        Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(raw)
                .build();
        return BbsValues.concat(new byte[] {'k', '8', 's', 0}, unknown.toByteArray());
    }

    public static Meta.ObjectMeta.Builder meta(String namespace, String name) {
        return Meta.ObjectMeta.newBuilder().setNamespace(namespace).setName(name).setUid("uid-" + name)
                .setResourceVersion("42").setCreationTimestamp(Meta.Time.newBuilder().setSeconds(CREATED));
    }

    public static V1.Pod pod(String namespace, String name, String app) {
        V1.Container web = V1.Container.newBuilder().setName("web").setImage("nginx:1.27")
                .addPorts(V1.ContainerPort.newBuilder().setContainerPort(8080).setProtocol("TCP"))
                .setResources(V1.ResourceRequirements.newBuilder()
                        .putLimits("cpu", Resource.Quantity.newBuilder().setString("500m").build())
                        .putLimits("memory", Resource.Quantity.newBuilder().setString("128Mi").build()))
                .setLivenessProbe(V1.Probe.newBuilder().setPeriodSeconds(10).setHandler(V1.ProbeHandler.newBuilder()
                        .setHttpGet(V1.HTTPGetAction.newBuilder().setPath("/healthz")
                                .setPort(IntStr.IntOrString.newBuilder().setType(1).setStrVal("http")))))
                .setReadinessProbe(V1.Probe.newBuilder().setHandler(V1.ProbeHandler.newBuilder()
                        .setTcpSocket(V1.TCPSocketAction.newBuilder()
                                .setPort(IntStr.IntOrString.newBuilder().setType(0).setIntVal(8080)))))
                .build();
        return V1.Pod.newBuilder()
                .setMetadata(meta(namespace, name).putLabels("app", app)
                        .addManagedFields(Meta.ManagedFieldsEntry.newBuilder().setManager("kubectl").setOperation("Update")
                                .setFieldsV1(Meta.FieldsV1.newBuilder().setRaw(ByteString.copyFromUtf8("{\"f:metadata\":{}}")))))
                .setSpec(V1.PodSpec.newBuilder().addContainers(web).setNodeName("node-1")
                        .addVolumes(V1.Volume.newBuilder().setName("config").setVolumeSource(V1.VolumeSource.newBuilder()
                                .setConfigMap(V1.ConfigMapVolumeSource.newBuilder().setDefaultMode(420)
                                        .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("settings")))))
                        .setTerminationGracePeriodSeconds(30).setActiveDeadlineSeconds(6_000_000_000L))
                .setStatus(V1.PodStatus.newBuilder().setPhase("Running").setPodIP("10.0.0.7")
                        .setStartTime(Meta.Time.newBuilder().setSeconds(CREATED + 5)))
                .build();
    }

    public static V1.ConfigMap configMap(String namespace, String name) {
        return V1.ConfigMap.newBuilder().setMetadata(meta(namespace, name))
                .putData("log.level", "debug").putData("feature.x", "on")
                .putBinaryData("blob", ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 0xff}))
                .build();
    }

    public static V1Apps.Deployment deployment(String namespace, String name) {
        return V1Apps.Deployment.newBuilder().setMetadata(meta(namespace, name))
                .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(3)
                        .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", name)))
                .build();
    }

    /** A CustomResourceDefinition, whose schema has JSON names that its .proto does not. */
    public static V1Apiextensions.CustomResourceDefinition crd() {
        V1Apiextensions.JSONSchemaProps spec = V1Apiextensions.JSONSchemaProps.newBuilder().setType("object")
                .setXKubernetesPreserveUnknownFields(true)
                .setAdditionalProperties(V1Apiextensions.JSONSchemaPropsOrBool.newBuilder().setAllows(false))
                .putProperties("cronSpec", V1Apiextensions.JSONSchemaProps.newBuilder().setType("string").build())
                .build();
        return V1Apiextensions.CustomResourceDefinition.newBuilder()
                .setMetadata(meta("", "crontabs.stable.example.com"))
                .setSpec(V1Apiextensions.CustomResourceDefinitionSpec.newBuilder().setGroup("stable.example.com")
                        .addVersions(V1Apiextensions.CustomResourceDefinitionVersion.newBuilder().setName("v1")
                                .setServed(true).setStorage(true)
                                .setSchema(V1Apiextensions.CustomResourceValidation.newBuilder()
                                        .setOpenAPIV3Schema(V1Apiextensions.JSONSchemaProps.newBuilder().setType("object")
                                                .putProperties("spec", spec)))))
                .build();
    }

    /** A custom resource as the API server stores it: JSON, with a trailing newline. */
    public static byte[] customResourceJson(String namespace, String name) {
        return ("{\"apiVersion\":\"stable.example.com/v1\",\"kind\":\"CronTab\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"" + namespace + "\",\"creationTimestamp\":\"2024-05-01T10:00:00Z\"},"
                + "\"spec\":{\"cronSpec\":\"* * * * */5\",\"image\":\"my-cron-image\",\"replicas\":2}}\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The same custom resource in self-described CBOR (tag 55799), its strings partly as byte strings, as the
     * API server writes strings it cannot prove to be UTF-8.
     */
    public static byte[] customResourceCbor(String namespace, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CBORFactory f = CBORFactory.builder().enable(CBORGenerator.Feature.WRITE_TYPE_HEADER).build();
        try (CBORGenerator g = (CBORGenerator) new ObjectMapper(f).createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("apiVersion", "stable.example.com/v1");
            g.writeStringField("kind", "CronTab");
            g.writeFieldName("metadata");
            g.writeStartObject();
            g.writeFieldName("name");
            g.writeBinary(name.getBytes(StandardCharsets.UTF_8));
            g.writeStringField("namespace", namespace);
            g.writeEndObject();
            g.writeFieldName("spec");
            g.writeStartObject();
            g.writeNumberField("replicas", 2);
            g.writeFieldName("image");
            g.writeBinary("my-cron-image".getBytes(StandardCharsets.UTF_8));
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
