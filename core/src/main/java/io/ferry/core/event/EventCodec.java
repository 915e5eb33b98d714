package io.ferry.core.event;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Encodes and decodes Ferry's JSON envelope ({@code docs/event-format.md}).
 *
 * <p>Bytes are written as a one-member object that names its encoding:
 * {@code {"utf8": "..."}} when the bytes are strictly valid UTF-8 (NUL included, escaped by
 * JSON), {@code {"base64": "..."}} otherwise. Decoding either gives back the exact bytes.
 *
 * <p>Streaming Jackson is used rather than data binding: the sink decodes every record, and
 * deserialisation was the published bottleneck of the Debezium JDBC sink.
 *
 * <p>Thread-safe.
 */
public final class EventCodec {

    /** Values up to etcd's maximum request size must decode; give strings ample room. */
    private static final int MAX_STRING_LENGTH = 64 * 1024 * 1024;

    private final JsonFactory json = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_LENGTH).build())
            .build();

    public byte[] encode(Envelope envelope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint(envelope));
        try (JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
            if (envelope instanceof ChangeEvent e) {
                writeChange(g, e);
            } else if (envelope instanceof ControlRecord c) {
                writeControl(g, c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * About the encoded size, so that the buffer is not grown and copied while the event is
     * written: the field names and numbers, plus each key and value (base64 adds a third).
     */
    private static int sizeHint(Envelope envelope) {
        long payload = 0;
        if (envelope instanceof ChangeEvent e) {
            payload = e.key().length + payloadOf(e.before()) + payloadOf(e.after());
        }
        return (int) Math.min(Integer.MAX_VALUE - 8, 320 + payload * 4 / 3);
    }

    private static long payloadOf(KeyValue kv) {
        return kv == null ? 0 : kv.key().length + kv.value().length;
    }

    public Envelope decode(byte[] bytes) {
        if (bytes == null) {
            throw new EventFormatException("record value is null: a tombstone carries no envelope");
        }
        try (JsonParser p = json.createParser(bytes)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, "envelope");
            return new EnvelopeReader(p).read();
        } catch (JacksonException e) {
            throw new EventFormatException("record value is not valid JSON: " + e.getOriginalMessage()
                    + " (first bytes: " + Bytes.printable(head(bytes)) + ")", e);
        } catch (IOException e) {
            throw new EventFormatException("record value could not be read: " + e.getMessage()
                    + " (first bytes: " + Bytes.printable(head(bytes)) + ")", e);
        }
    }

    /** Convenience for the common case where only change events are expected. */
    public ChangeEvent decodeChange(byte[] bytes) {
        Envelope envelope = decode(bytes);
        if (envelope instanceof ChangeEvent e) {
            return e;
        }
        throw new EventFormatException("expected a change event, found control record " + envelope);
    }

    private static void writeChange(JsonGenerator g, ChangeEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("op", e.op().code());
        g.writeFieldName("key");
        writeBytes(g, e.key());
        g.writeFieldName("before");
        writeKeyValue(g, e.before());
        g.writeFieldName("after");
        writeKeyValue(g, e.after());
        g.writeObjectFieldStart("source");
        g.writeStringField("cluster_id", e.source().clusterId());
        g.writeNumberField("revision", e.source().revision());
        g.writeNumberField("epoch", e.source().epoch());
        g.writeBooleanField("snapshot", e.source().snapshot());
        if (e.source().reverse()) {
            g.writeBooleanField("reverse", true); // only when set: older readers and most events never see it
        }
        g.writeEndObject();
        g.writeNumberField("ts_ms", e.tsMs());
        g.writeEndObject();
    }

    private static void writeControl(JsonGenerator g, ControlRecord c) throws IOException {
        g.writeStartObject();
        g.writeStringField("control", c.kind().wireName());
        g.writeStringField("cluster_id", c.clusterId());
        g.writeNumberField("revision", c.revision());
        g.writeNumberField("epoch", c.epoch());
        g.writeNumberField("partition", c.partition());
        g.writeNumberField("ts_ms", c.tsMs());
        g.writeEndObject();
    }

    private static void writeKeyValue(JsonGenerator g, KeyValue kv) throws IOException {
        if (kv == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeFieldName("key");
        writeBytes(g, kv.key());
        g.writeFieldName("value");
        writeBytes(g, kv.value());
        g.writeNumberField("create_revision", kv.createRevision());
        g.writeNumberField("mod_revision", kv.modRevision());
        g.writeNumberField("version", kv.version());
        g.writeNumberField("lease", kv.lease());
        g.writeEndObject();
    }

    private static void writeBytes(JsonGenerator g, byte[] bytes) throws IOException {
        g.writeStartObject();
        if (Bytes.isStrictUtf8(bytes)) {
            // Already UTF-8: Jackson escapes the bytes as it copies them, with no String between
            // (the watcher encodes every key twice and every value once, so this is its hot path).
            g.writeFieldName("utf8");
            g.writeUTF8String(bytes, 0, bytes.length);
        } else {
            g.writeStringField("base64", Base64.getEncoder().encodeToString(bytes));
        }
        g.writeEndObject();
    }

    static void expect(JsonParser p, JsonToken actual, JsonToken expected, String what) throws IOException {
        if (actual != expected) {
            throw new EventFormatException("malformed envelope: expected " + what + " to be " + expected
                    + " but found " + actual + " at " + p.currentLocation().offsetDescription());
        }
    }

    private static byte[] head(byte[] bytes) {
        return new String(bytes, 0, Math.min(bytes.length, 60), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
    }
}
