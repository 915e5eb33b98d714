package io.ferry.values.impl;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads one CBOR data item (RFC 8949) into a JSON tree that any JSON consumer accepts: tags (such as the
 * self-described CBOR tag 55799) are transparent; byte strings become base64 text, or the text itself when
 * {@code utf8Bytes} and they are valid UTF-8 (the Kubernetes API server writes strings as byte strings when
 * it is not sure they are UTF-8); NaN and the infinities, which JSON cannot hold, become the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, as protobuf's JSON mapping writes them.
 */
final class CborTree {

    private static final CBORFactory FACTORY = new CBORFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CborTree() {
    }

    /** The data item filling the slice; throws on malformed or trailing bytes. */
    static JsonNode read(Slice value, boolean utf8Bytes) throws IOException {
        try (JsonParser p = FACTORY.createParser(value.array(), value.offset(), value.length())) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IOException("no CBOR data item");
            }
            JsonNode root = node(p, first, utf8Bytes);
            if (p.nextToken() != null) {
                throw new IOException("bytes left after the first CBOR data item, at byte "
                        + p.currentLocation().getByteOffset());
            }
            return root;
        }
    }

    private static JsonNode node(JsonParser p, JsonToken t, boolean utf8Bytes) throws IOException {
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = NODES.objectNode();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    if (k != JsonToken.FIELD_NAME) {
                        throw new IOException("a map key that is not a string or number: " + k);
                    }
                    String name = p.currentName();
                    o.set(name, node(p, p.nextToken(), utf8Bytes));
                }
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(node(p, e, utf8Bytes));
                }
                return a;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT: {
                if (p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL) {
                    return NODES.numberNode(p.getDecimalValue());
                }
                double d = p.getDoubleValue();
                if (Double.isNaN(d)) {
                    return NODES.textNode("NaN");
                }
                if (Double.isInfinite(d)) {
                    return NODES.textNode(d > 0 ? "Infinity" : "-Infinity");
                }
                return NODES.numberNode(d);
            }
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT: {
                Object o = p.getEmbeddedObject();
                if (o instanceof byte[] b) {
                    return NODES.textNode(bytes(b, utf8Bytes));
                }
                return o == null ? NODES.nullNode() : NODES.textNode(o.toString());
            }
            default:
                throw new IOException("unexpected CBOR token " + t);
        }
    }

    private static String bytes(byte[] b, boolean utf8Bytes) {
        if (utf8Bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                // not text after all: base64 as for any other byte string
            }
        }
        return Base64.getEncoder().encodeToString(b);
    }
}
