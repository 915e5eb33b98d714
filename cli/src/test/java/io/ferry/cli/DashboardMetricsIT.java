package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.ferry.cli.deploy.DeployFiles;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics that the Grafana dashboard's and the Prometheus alerts' queries and docs/metrics.md
 * name are the ones a real {@code ferry run} exports: scraped from {@code /metrics} of one that has replicated
 * some changes into PostgreSQL (so that it runs the watcher, the sink and the reverse writer, every
 * part's meters), so that a renamed meter can leave neither a dashboard panel silently empty nor
 * the document wrong, and a new meter cannot go undocumented.
 */
@Timeout(300)
class DashboardMetricsIT {

    /** Ferry's own metrics and those of its JVM and process, as a query names them. */
    private static final Pattern QUERIED_METRIC = Pattern.compile("\\b(ferry|jvm|process|system)_[a-z0-9_]+");

    /**
     * Documented, but registered only when what they count first happens, which this run does not
     * provoke: a record refused for its signature (the signed-topic ITs provoke it), a value that did
     * not decode for its mapping (the sink's decoded-mapping ITs do), a GC pause (a short run may have none).
     */
    private static final Set<String> REGISTERED_ON_FIRST_USE = Set.of("ferry_sink_signature_refused_total",
            "ferry_sink_decode_failures_total", "jvm_gc_pause_seconds");

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.postgres();

    @TempDir
    static Path dir;

    private static FerryRun ferry;
    private static String scraped;

    @BeforeAll
    static void scrapeARunThatReplicated() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long last = 0;
        for (int i = 0; i < 50; i++) {
            last = ETCD.client().getKVClient().put(ByteSequence.from("/m/k" + i, StandardCharsets.UTF_8),
                    ByteSequence.from("v" + i, StandardCharsets.UTF_8)).get().getHeader().getRevision();
        }
        ETCD.client().getKVClient().delete(ByteSequence.from("/m/k1", StandardCharsets.UTF_8)).get();
        ferry = FerryRun.configure(dir, ETCD, KAFKA, DB, "/m/", "metrics.changes", "http.port: " + port).start();
        ferry.awaitSinkAt(last + 1, Duration.ofSeconds(120));
        scraped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
    }

    @Test
    void everyMetricTheDashboardAndAlertsQueryIsExported() throws Exception {
        Set<String> samples = MetricsDoc.sampleNames(scraped);
        Set<String> used = new TreeSet<>();
        for (String expr : queries()) {
            Matcher m = QUERIED_METRIC.matcher(expr);
            while (m.find()) {
                used.add(m.group());
            }
        }
        assertTrue(used.size() >= 20, "the dashboard and alerts should query Ferry's metrics: " + used);
        Set<String> unknown = new TreeSet<>();
        for (String name : used) {
            // A query names a series (ferry_sink_age_seconds_bucket) or a counter with its _total: the exact sample.
            if (!REGISTERED_ON_FIRST_USE.contains(name) && !REGISTERED_ON_FIRST_USE.contains(seriesOf(name))
                    && !samples.contains(name)) {
                unknown.add(name);
            }
        }
        assertTrue(unknown.isEmpty(), "queried in deploy/ but not exported by ferry run: " + unknown + "\nexported: " + samples);
    }

    @Test
    void docsMetricsMdListsExactlyWhatIsExported() throws Exception {
        Set<String> documented = MetricsDoc.documented();
        Set<String> samples = MetricsDoc.sampleNames(scraped);
        Set<String> missing = new TreeSet<>();
        for (String name : documented) {
            if (!REGISTERED_ON_FIRST_USE.contains(name) && !MetricsDoc.exported(name, samples)) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "in docs/metrics.md but not exported by ferry run: " + missing + "\nexported: " + samples);
        Set<String> undocumented = new TreeSet<>();
        for (String sample : samples) {
            if (sample.startsWith("ferry_") && !MetricsDoc.documents(documented, sample)) {
                undocumented.add(sample);
            }
        }
        assertTrue(undocumented.isEmpty(), "exported by ferry run but not in docs/metrics.md: " + undocumented
                + "\ndocumented: " + documented);
    }

    /** The PromQL of every dashboard panel's targets and of every alert rule: their prose may name tables, too. */
    private static List<String> queries() throws Exception {
        List<String> exprs = new ArrayList<>();
        JsonNode dashboard = DeployFiles.JSON.readTree(DeployFiles.deploy("grafana/ferry-dashboard.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
        }
        for (JsonNode doc : DeployFiles.yamlDocuments(DeployFiles.deploy("prometheus/ferry-alerts.yaml"))) {
            for (JsonNode group : doc.path("groups")) {
                group.path("rules").forEach(r -> exprs.add(r.path("expr").asText()));
            }
        }
        return exprs;
    }

    /** The meter a series belongs to: jvm_gc_pause_seconds for jvm_gc_pause_seconds_sum. */
    private static String seriesOf(String sample) {
        for (String suffix : MetricsDoc.SERIES_SUFFIXES) {
            if (sample.endsWith(suffix)) {
                return sample.substring(0, sample.length() - suffix.length());
            }
        }
        return sample;
    }
}
