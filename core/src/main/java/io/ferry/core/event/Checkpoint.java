package io.ferry.core.event;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Where the watcher stands, as it writes it to the compacted checkpoint topic
 * ({@code <kafka.topic>.checkpoint}, one partition) inside the same Kafka transaction as the
 * events it covers. {@code ferry status} reads the newest one.
 *
 * <p>When {@code snapshotting} is false: every change with revision at most {@code revision}
 * has been committed to the change topic. When true: the snapshot of {@code epoch} at
 * {@code revision} was under way and is incomplete; a restart takes a new snapshot.
 *
 * @param clusterId etcd cluster id, hex, so a checkpoint is never applied to another cluster
 * @param revision the etcd revision reached
 * @param epoch the snapshot epoch in force
 * @param snapshotting whether a snapshot was in progress
 * @param tsMs when the checkpoint was written, epoch milliseconds
 */
public record Checkpoint(String clusterId, long revision, long epoch, boolean snapshotting, long tsMs) {

    private static final JsonFactory JSON = new JsonFactory();

    /** The record key of the checkpoint of the watcher that writes {@code changeTopic}. */
    public static byte[] recordKey(String changeTopic) {
        return ("ferry.watcher/" + changeTopic).getBytes(StandardCharsets.UTF_8);
    }

    /** The checkpoint topic that belongs to a change topic. */
    public static String topicFor(String changeTopic) {
        return changeTopic + ".checkpoint";
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("cluster_id", clusterId);
            g.writeNumberField("revision", revision);
            g.writeNumberField("epoch", epoch);
            g.writeBooleanField("snapshotting", snapshotting);
            g.writeNumberField("ts_ms", tsMs);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    public static Checkpoint decode(byte[] bytes) {
        String clusterId = null;
        long revision = -1;
        long epoch = -1;
        boolean snapshotting = false;
        long tsMs = 0;
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new EventFormatException("checkpoint is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "cluster_id" -> clusterId = p.getText();
                    case "revision" -> revision = p.getLongValue();
                    case "epoch" -> epoch = p.getLongValue();
                    case "snapshotting" -> snapshotting = p.getBooleanValue();
                    case "ts_ms" -> tsMs = p.getLongValue();
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new EventFormatException("checkpoint record is not valid JSON: " + e.getMessage(), e);
        }
        if (revision < 0 || epoch < 0) {
            throw new EventFormatException("checkpoint record lacks 'revision' or 'epoch': "
                    + new String(bytes, StandardCharsets.UTF_8));
        }
        return new Checkpoint(clusterId, revision, epoch, snapshotting, tsMs);
    }
}
