package io.ferry.core.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads one envelope object from a parser positioned just inside it. Not thread-safe. */
final class EnvelopeReader {

    private final JsonParser p;

    EnvelopeReader(JsonParser p) {
        this.p = p;
    }

    Envelope read() throws IOException {
        String op = null;
        String control = null;
        byte[] key = null;
        KeyValue before = null;
        KeyValue after = null;
        Source source = null;
        String clusterId = null;
        long revision = -1;
        long epoch = -1;
        int partition = -1;
        long tsMs = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "op" -> op = p.getText();
                case "control" -> control = p.getText();
                case "key" -> key = readBytes("key", null);
                case "before" -> before = t == JsonToken.VALUE_NULL ? null : readKeyValue("before", key);
                case "after" -> after = t == JsonToken.VALUE_NULL ? null : readKeyValue("after", key);
                case "source" -> source = readSource();
                case "cluster_id" -> clusterId = p.getText();
                case "revision" -> revision = p.getLongValue();
                case "epoch" -> epoch = p.getLongValue();
                case "partition" -> partition = p.getIntValue();
                case "ts_ms" -> tsMs = p.getLongValue();
                default -> p.skipChildren(); // tolerate fields added by newer writers
            }
        }
        if (control != null) {
            require(revision >= 0, "control record without 'revision'");
            require(epoch >= 0, "control record without 'epoch'");
            return new ControlRecord(ControlRecord.Kind.fromWireName(control), clusterId, revision, epoch, partition, tsMs);
        }
        require(op != null, "envelope has neither 'op' nor 'control'");
        require(key != null, "change event without 'key'");
        require(source != null, "change event without 'source'");
        try {
            return new ChangeEvent(Op.fromCode(op), key, before, after, source, tsMs);
        } catch (IllegalArgumentException e) {
            throw new EventFormatException("malformed change event: " + e.getMessage(), e);
        }
    }

    /** @param eventKey the event's key when already read: a key-value's key is the same bytes, shared, not copied */
    private KeyValue readKeyValue(String what, byte[] eventKey) throws IOException {
        EventCodec.expect(p, p.currentToken(), JsonToken.START_OBJECT, what);
        byte[] key = null;
        byte[] value = null;
        long create = 0;
        long mod = 0;
        long version = 0;
        long lease = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "key" -> key = readBytes(what + ".key", eventKey);
                case "value" -> value = readBytes(what + ".value", null);
                case "create_revision" -> create = p.getLongValue();
                case "mod_revision" -> mod = p.getLongValue();
                case "version" -> version = p.getLongValue();
                case "lease" -> lease = p.getLongValue();
                default -> p.skipChildren();
            }
        }
        require(key != null, "'" + what + "' without 'key'");
        require(value != null, "'" + what + "' without 'value'");
        return new KeyValue(key, value, create, mod, version, lease);
    }

    private Source readSource() throws IOException {
        EventCodec.expect(p, p.currentToken(), JsonToken.START_OBJECT, "source");
        String clusterId = null;
        long revision = -1;
        long epoch = 0;
        boolean snapshot = false;
        boolean reverse = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "cluster_id" -> clusterId = p.getText();
                case "revision" -> revision = p.getLongValue();
                case "epoch" -> epoch = p.getLongValue();
                case "snapshot" -> snapshot = p.getBooleanValue();
                case "reverse" -> reverse = p.getBooleanValue();
                default -> p.skipChildren();
            }
        }
        require(revision >= 0, "'source' without 'revision'");
        return new Source(clusterId, revision, epoch, snapshot, reverse);
    }

    /** @param same bytes this value is likely equal to; returned instead of a copy when it is */
    private byte[] readBytes(String what, byte[] same) throws IOException {
        EventCodec.expect(p, p.currentToken(), JsonToken.START_OBJECT, what);
        byte[] result = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String encoding = p.currentName();
            p.nextToken();
            switch (encoding) {
                case "utf8" -> result = utf8(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), same);
                case "base64" -> result = decodeBase64(p.getText(), what);
                default -> throw new EventFormatException("'" + what + "' has unknown byte encoding '" + encoding
                        + "', expected 'utf8' or 'base64'");
            }
        }
        require(result != null, "'" + what + "' names no encoding: expected {\"utf8\": ...} or {\"base64\": ...}");
        return result;
    }

    /**
     * The UTF-8 bytes of the parser's text, without a String in between: the sink decodes every
     * key and value, and most are ASCII, which encodes char for byte.
     */
    private static byte[] utf8(char[] chars, int offset, int length, byte[] same) {
        if (same != null && asciiEquals(chars, offset, length, same)) {
            return same;
        }
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            char ch = chars[offset + i];
            if (ch >= 0x80) {
                return new String(chars, offset, length).getBytes(StandardCharsets.UTF_8);
            }
            out[i] = (byte) ch;
        }
        return out;
    }

    private static boolean asciiEquals(char[] chars, int offset, int length, byte[] bytes) {
        if (bytes.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char ch = chars[offset + i];
            if (ch >= 0x80 || ch != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] decodeBase64(String text, String what) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new EventFormatException("'" + what + "' is not valid base64: " + e.getMessage(), e);
        }
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new EventFormatException("malformed envelope: " + problem);
        }
    }
}
