package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Ferry metric the Grafana dashboard and the Prometheus alerts query exists: scraped from
 * {@code /metrics} of a real {@code ferry run} that has replicated some changes, so a renamed
 * meter cannot leave a dashboard panel silently empty.
 */
@Timeout(300)
class DashboardMetricsIT {

    private static final Pattern FERRY_METRIC = Pattern.compile("\\bferry_[a-z0-9_]+");

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.sqlite();

    @TempDir
    Path dir;

    @Test
    void everyMetricTheDashboardAndAlertsUseIsExported() throws Exception {
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
        try (FerryRun ferry = FerryRun.configure(dir, ETCD, KAFKA, DB, "/m/", "metrics.changes", "http.port: " + port).start()) {
            ferry.awaitSinkAt(last + 1, Duration.ofSeconds(120));
            String scraped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            Set<String> exported = names(scraped);
            Set<String> used = new TreeSet<>();
            for (Path f : List.of(DeployFiles.deploy("grafana/ferry-dashboard.json"), DeployFiles.deploy("prometheus/ferry-alerts.yaml"))) {
                used.addAll(names(Files.readString(f)));
            }
            assertTrue(used.size() >= 10, "the dashboard and alerts should query Ferry's metrics: " + used);
            Set<String> unknown = new TreeSet<>();
            for (String name : used) {
                // A query may name a family by its prefix in a regex (ferry_watcher_snapshot_keys_.*).
                if (exported.stream().noneMatch(e -> e.equals(name) || e.startsWith(name + "_"))) {
                    unknown.add(name);
                }
            }
            assertTrue(unknown.isEmpty(), "used in deploy/ but not exported by ferry run: " + unknown + "\nexported: " + exported);
        }
    }

    private static Set<String> names(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = FERRY_METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
