package io.ferry.reconciler.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ferry.core.event.Bytes;
import io.ferry.reconciler.DifferenceKind;
import io.ferry.reconciler.LateWrite;
import io.ferry.reconciler.ReconcileReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;

/**
 * The machine-readable report: counts by class, every differing key with both sides' revisions,
 * the revision compared, the duration and the verdict. Differences are streamed from the
 * spill file, so a report with millions of keys is written in constant memory.
 */
public final class JsonReport {

    private JsonReport() {
    }

    public static void write(ReconcileReport r, List<LateWrite> lateWrites, ReportContext context, OutputStream out) {
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            ReportVerdict verdict = ReportVerdict.of(r, lateWrites);
            g.writeStringField("verdict", verdict.jsonName());
            g.writeStringField("verdict_reason", verdict.explain(r, context));
            g.writeNumberField("revision", r.revision());
            g.writeArrayFieldStart("prefixes");
            for (String p : r.prefixes()) {
                g.writeString(p);
            }
            g.writeEndArray();
            g.writeStringField("started_at", r.startedAt().toString());
            g.writeStringField("finished_at", context.finishedAt().toString());
            g.writeNumberField("duration_ms", r.duration().toMillis());
            writeContext(g, context);
            g.writeNumberField("etcd_keys", r.etcdKeys());
            g.writeNumberField("sql_rows", r.sqlRows());
            g.writeNumberField("pages", r.pages());
            g.writeNumberField("clean_pages", r.cleanPages());
            g.writeNumberField("in_flight", r.inFlight());
            g.writeNumberField("min_watermark", r.minWatermark());
            g.writeObjectFieldStart("watermarks");
            for (var e : new TreeMap<>(r.watermarks()).entrySet()) {
                g.writeNumberField(Integer.toString(e.getKey()), e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("differences_total", r.differences().total());
            g.writeObjectFieldStart("counts");
            for (DifferenceKind k : DifferenceKind.values()) {
                g.writeNumberField(k.jsonName(), r.counts().get(k));
            }
            g.writeEndObject();
            writeMapped(g, r);
            g.writeArrayFieldStart("differences");
            r.differences().forEach(located -> writeDifference(g, located));
            g.writeEndArray();
            if (lateWrites != null) {
                g.writeArrayFieldStart("late_writes");
                for (LateWrite w : lateWrites) {
                    writeLateWrite(g, w);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each mapped table's check: what it covered and its differences by kind. */
    private static void writeMapped(JsonGenerator g, ReconcileReport r) throws IOException {
        g.writeArrayFieldStart("mapped_tables");
        for (var t : r.mapped()) {
            g.writeStartObject();
            g.writeStringField("table", t.table());
            g.writeNumberField("etcd_keys", t.etcdKeys());
            g.writeNumberField("projected", t.projected());
            g.writeNumberField("sql_rows", t.sqlRows());
            g.writeNumberField("not_judged", t.notJudged());
            g.writeNumberField("undecodable_here", t.undecodableHere());
            g.writeObjectFieldStart("counts");
            var byKind = MappedTableLine.differences(r, t);
            for (DifferenceKind k : DifferenceKind.values()) {
                g.writeNumberField(k.jsonName(), byKind.getOrDefault(k, 0L));
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The audit facts: which cluster, which database, which Ferry, which options, where the cutover stood. */
    private static void writeContext(JsonGenerator g, ReportContext context) throws IOException {
        g.writeStringField("etcd_cluster_id", context.etcdClusterId());
        g.writeArrayFieldStart("etcd_endpoints");
        for (String e : context.etcdEndpoints()) {
            g.writeString(e);
        }
        g.writeEndArray();
        g.writeStringField("database", context.database());
        g.writeStringField("table", context.table());
        g.writeStringField("ferry_version", context.ferryVersion());
        g.writeArrayFieldStart("options");
        for (String o : context.options()) {
            g.writeString(o);
        }
        g.writeEndArray();
        if (context.decodeFailures() == null) {
            g.writeNullField("decode_failures");
        } else {
            g.writeObjectFieldStart("decode_failures");
            for (var table : context.decodeFailures().entrySet()) {
                g.writeObjectFieldStart(table.getKey());
                for (var category : table.getValue().entrySet()) {
                    g.writeNumberField(category.getKey(), category.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        if (context.cutover() == null) {
            g.writeNullField("cutover");
        } else {
            g.writeObjectFieldStart("cutover");
            g.writeStringField("phase", context.cutover().phase());
            g.writeNumberField("freeze_revision", context.cutover().freezeRevision());
            g.writeNumberField("downtime_ms", context.cutover().downtimeMs());
            g.writeStringField("authoritative", context.cutover().sqlAuthoritative() ? "sql" : "etcd");
            g.writeEndObject();
        }
    }

    private static void writeDifference(JsonGenerator g, io.ferry.reconciler.DifferenceLog.Located located) {
        try {
            g.writeStartObject();
            g.writeStringField("kind", located.difference().kind().jsonName());
            if (located.difference().table() != null) {
                g.writeStringField("table", located.difference().table());
            }
            writeBytes(g, "key", located.difference().key());
            revision(g, "etcd_revision", located.difference().etcdRevision());
            revision(g, "sql_revision", located.difference().sqlRevision());
            if (located.difference().etcdDigest() != null) {
                g.writeStringField("etcd_value_sha256", located.difference().etcdDigest());
                g.writeStringField("sql_value_sha256", located.difference().sqlDigest());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A side's revision, null where that side has no such key. */
    private static void revision(JsonGenerator g, String field, long revision) throws IOException {
        if (revision == 0) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, revision);
        }
    }

    private static void writeLateWrite(JsonGenerator g, LateWrite w) throws IOException {
        g.writeStartObject();
        writeBytes(g, "key", w.key());
        g.writeStringField("op", w.deleted() ? "delete" : "put");
        g.writeNumberField("revision", w.revision());
        if (w.observedAt() != null) {
            g.writeStringField("observed_at", w.observedAt().toString());
        }
        g.writeBooleanField("sql_changed_since_cutover", w.sqlChangedSinceCutover());
        g.writeNumberField("sql_revision", w.sqlRevision());
        g.writeEndObject();
    }

    /** Bytes in the envelope's form: {@code {"utf8": ...}} or {@code {"base64": ...}}. */
    static void writeBytes(JsonGenerator g, String field, byte[] bytes) throws IOException {
        g.writeObjectFieldStart(field);
        String text = Bytes.strictUtf8OrNull(bytes);
        if (text != null) {
            g.writeStringField("utf8", text);
        } else {
            g.writeStringField("base64", Base64.getEncoder().encodeToString(bytes));
        }
        g.writeEndObject();
    }
}
