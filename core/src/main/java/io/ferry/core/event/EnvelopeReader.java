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
                case "key" -> key = readBytes("key");
                case "before" -> before = t == JsonToken.VALUE_NULL ? null : readKeyValue("before");
                case "after" -> after = t == JsonToken.VALUE_NULL ? null : readKeyValue("after");
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

    private KeyValue readKeyValue(String what) throws IOException {
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
                case "key" -> key = readBytes(what + ".key");
                case "value" -> value = readBytes(what + ".value");
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

    private byte[] readBytes(String what) throws IOException {
        EventCodec.expect(p, p.currentToken(), JsonToken.START_OBJECT, what);
        byte[] result = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String encoding = p.currentName();
            p.nextToken();
            switch (encoding) {
                case "utf8" -> result = p.getText().getBytes(StandardCharsets.UTF_8);
                case "base64" -> result = decodeBase64(p.getText(), what);
                default -> throw new EventFormatException("'" + what + "' has unknown byte encoding '" + encoding
                        + "', expected 'utf8' or 'base64'");
            }
        }
        require(result != null, "'" + what + "' names no encoding: expected {\"utf8\": ...} or {\"base64\": ...}");
        return result;
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
