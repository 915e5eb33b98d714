package io.ferry.values.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.ferry.values.DecodeFailure;
import io.ferry.values.DecodeResult;
import io.kubernetes.client.proto.Runtime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;

/**
 * Reads a value as the Kubernetes API server stores it in etcd, recognising the format by its first bytes
 * as the API server does:
 * <ul>
 *   <li>{@code k8s\0}: protobuf. The rest is a {@code runtime.Unknown} (its {@code typeMeta} holds apiVersion
 *       and kind, {@code raw} the object); built-in kinds are parsed by the types of client-java-proto
 *       ({@link KubernetesTypes}) and written as the API server writes them in JSON ({@link KubernetesJson}),
 *       apiVersion and kind first.</li>
 *   <li>{@code {}: JSON, as custom resources are stored (and any kind whose storage media type is JSON).</li>
 *   <li>{@code 0xd9d9f7}: self-described CBOR, as the API server stores custom resources when its CBOR
 *       feature gates are on; byte strings that are UTF-8 become text.</li>
 *   <li>{@code k8s:enc:}: encrypted at rest ({@code k8s:enc:<provider>:v<n>:<key name>:...}), reported as
 *       {@link DecodeFailure#ENCRYPTED_AT_REST} with the provider and key name, never decoded.</li>
 * </ul>
 */
public final class KubernetesDecoder implements Decoder {

    private static final byte[] PROTOBUF = {'k', '8', 's', 0};
    private static final byte[] ENCRYPTED = "k8s:enc:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CBOR = {(byte) 0xd9, (byte) 0xd9, (byte) 0xf7};
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** runtime.Unknown, from client-java-proto's descriptor (see {@link KubernetesTypes} for why not its class). */
    private static final Descriptor UNKNOWN = Runtime.getDescriptor().findMessageTypeByName("Unknown");
    private static final Descriptor TYPE_META = Runtime.getDescriptor().findMessageTypeByName("TypeMeta");
    private static final Parser<DynamicMessage> UNKNOWN_PARSER = DynamicMessage.getDefaultInstance(UNKNOWN).getParserForType();

    private final KubernetesTypes types = KubernetesTypes.get();

    @Override
    public DecodeResult decode(Slice value) {
        if (value.isEmpty()) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "kubernetes: empty value");
        }
        if (value.startsWith(ENCRYPTED)) {
            return DecodeResult.failed(DecodeFailure.ENCRYPTED_AT_REST, "kubernetes: encrypted at rest by the API server ("
                    + encryptionPrefix(value) + "); its keys are the API server's, so Ferry keeps the bytes undecoded");
        }
        if (value.startsWith(PROTOBUF)) {
            value.skip(PROTOBUF.length);
            return protobuf(value);
        }
        if (value.startsWith(CBOR)) {
            try {
                return object(CborTree.read(value, true), "CBOR");
            } catch (IOException e) {
                return DecodeResult.failed(DecodeFailure.UNDECODABLE, "kubernetes: not CBOR after the self-described CBOR tag ("
                        + Printable.message(e.getMessage(), 160) + ")");
            }
        }
        if (firstNonSpace(value) == '{') {
            DecodeResult r = JsonDecoder.parse(value, "kubernetes (JSON)");
            return r.ok() ? object(r.document(), "JSON") : r;
        }
        return DecodeResult.failed(DecodeFailure.UNDECODABLE, "kubernetes: not a format the API server stores: it starts with '"
                + value.preview() + "', neither k8s\\x00 (protobuf), { (JSON), \\xd9\\xd9\\xf7 (CBOR) nor k8s:enc: (encrypted)");
    }

    private DecodeResult protobuf(Slice value) {
        DynamicMessage unknown;
        try {
            unknown = UNKNOWN_PARSER.parseFrom(value.array(), value.offset(), value.length());
        } catch (InvalidProtocolBufferException e) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "kubernetes: the runtime.Unknown after k8s\\x00 is corrupt ("
                    + Printable.message(e.getMessage(), 160) + ")");
        }
        Message typeMeta = (Message) unknown.getField(UNKNOWN.findFieldByName("typeMeta"));
        String apiVersion = (String) typeMeta.getField(TYPE_META.findFieldByName("apiVersion"));
        String kind = (String) typeMeta.getField(TYPE_META.findFieldByName("kind"));
        String contentEncoding = (String) unknown.getField(UNKNOWN.findFieldByName("contentEncoding"));
        String contentType = (String) unknown.getField(UNKNOWN.findFieldByName("contentType"));
        ByteString raw = (ByteString) unknown.getField(UNKNOWN.findFieldByName("raw"));
        if (kind.isEmpty() || apiVersion.isEmpty()) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "kubernetes: the runtime.Unknown after k8s\\x00 names no "
                    + (kind.isEmpty() ? "kind" : "apiVersion") + " (truncated, or not a stored object)");
        }
        String what = Printable.text(apiVersion, 80) + " " + Printable.text(kind, 80);
        if (!contentEncoding.isEmpty()) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "kubernetes: " + what + " has content encoding '"
                    + Printable.text(contentEncoding, 40) + "', which Ferry does not read");
        }
        if (contentType.equals("application/json")) {
            DecodeResult r = JsonDecoder.parse(new Slice(raw.toByteArray()), "kubernetes (" + what + " as JSON)");
            return r.ok() ? object(r.document(), "JSON") : r;
        }
        if (!contentType.isEmpty() && !contentType.equals("application/vnd.kubernetes.protobuf")) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "kubernetes: " + what + " has content type '"
                    + Printable.text(contentType, 60) + "', which Ferry does not read");
        }
        Parser<DynamicMessage> parser = types.parser(apiVersion, kind);
        if (parser == null) {
            return DecodeResult.failed(DecodeFailure.WRONG_TYPE, "kubernetes: " + what + " is not a built-in kind that "
                    + "client-java-proto has a protobuf class for (an aggregated API's, or newer than the library)");
        }
        Message object;
        try {
            object = parser.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "kubernetes: " + what + " is corrupt ("
                    + Printable.message(e.getMessage(), 160) + ")");
        }
        ObjectNode doc = NODES.objectNode();
        doc.put("apiVersion", apiVersion);
        doc.put("kind", kind);
        try {
            return DecodeResult.decoded(KubernetesJson.fields(object, doc));
        } catch (DateTimeException | ArithmeticException e) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "kubernetes: " + what + " holds a time out of any "
                    + "calendar's range (" + Printable.message(e.getMessage(), 120) + ")");
        }
    }

    private static DecodeResult object(JsonNode doc, String format) {
        if (!doc.isObject()) {
            return DecodeResult.failed(DecodeFailure.WRONG_TYPE, "kubernetes: the " + format + " value is a "
                    + doc.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ", not an object");
        }
        return DecodeResult.decoded(doc);
    }

    private static int firstNonSpace(Slice value) {
        for (int i = 0; i < value.length(); i++) {
            int c = value.at(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return c;
            }
        }
        return -1;
    }

    /** {@code k8s:enc:<provider>:v<n>:<key name>} when it is there, printable and short; never the ciphertext. */
    private static String encryptionPrefix(Slice value) {
        int colons = 0;
        int end = 0;
        int limit = Math.min(value.length(), 160);
        while (end < limit && colons < 5) {
            int c = value.at(end);
            if (c < 0x20 || c >= 0x7f) {
                break;
            }
            if (c == ':') {
                colons++;
            }
            end++;
        }
        return Printable.bytes(value.array(), value.offset(), end);
    }

    @Override
    public String describe() {
        return "kubernetes";
    }
}
