package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged {@code ferry.jar} as an operator would, and checks what it prints and returns. */
@Timeout(120)
class FerryCliIT {

    @TempDir
    Path dir;

    @Test
    void helpListsTheCommandsAndExitsZero() throws Exception {
        Cli.Result r = run("--help");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("check"), r.out());
        assertTrue(r.out().contains("Exit codes: 0 success, 1 differences found, 2 could not run."), r.out());
    }

    @Test
    void badConfigPrintsEveryProblemAtOnceAndExitsTwo() throws Exception {
        Path bad = Files.writeString(dir.resolve("ferry.yaml"), """
                etcd:
                  endpoints: etcd-without-scheme:2379
                kafka:
                  topic: "no spaces allowed"
                sink:
                  jdbc: postgresql://ferry:hunter2@db/app
                  table: "drop table; --"
                  tabel: typo
                watcher.snapshot.page.keys: 0
                """);

        Cli.Result r = run("check", "-c", bad.toString());

        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("5 problems"), r.err());
        for (String key : List.of("etcd.endpoints", "kafka.topic", "sink.table", "sink.tabel", "watcher.snapshot.page.keys")) {
            assertTrue(r.err().contains("  - " + key), "problem for " + key + " missing from:\n" + r.err());
        }
        assertTrue(r.err().contains("Did you mean 'sink.table'?"), r.err());
        assertFalse(r.err().contains("hunter2"), "secrets must not be printed:\n" + r.err());
    }

    @Test
    void goodConfigIsPrintedWithSecretsMasked() throws Exception {
        Path good = Files.writeString(dir.resolve("ferry.yaml"), """
                etcd.prefix: /v1/
                kafka.bootstrap: 127.0.0.1:9092
                sink.jdbc: postgresql://ferry:${FERRY_IT_PASSWORD}@127.0.0.1:5432/test
                """);

        Cli.Result r = run("check", "-c", good.toString());

        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("sink.jdbc = postgresql://ferry:****@127.0.0.1:5432/test"), r.out());
        assertTrue(r.out().contains("etcd.prefix = /v1/"), r.out());
        assertFalse(r.out().contains("it-secret"), r.out());
    }

    @Test
    void checkFailsOnEtcdTlsFilesThatAreMissingOrNotWhatTheySay() throws Exception {
        Path missing = Files.writeString(dir.resolve("missing-ca.yaml"), """
                etcd.endpoints: https://127.0.0.1:2379
                etcd.tls.ca.file: /nonexistent/ca.pem
                """);
        Cli.Result r = run("check", "-c", missing.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("etcd.tls.ca.file = /nonexistent/ca.pem: no such file"), r.err());

        Path notPem = Files.writeString(dir.resolve("ca.txt"), "not a certificate\n");
        Path wrong = Files.writeString(dir.resolve("wrong-ca.yaml"), """
                etcd.endpoints: https://127.0.0.1:2379
                etcd.tls.ca.file: %s
                """.formatted(notPem));
        Cli.Result w = run("check", "-c", wrong.toString());
        assertEquals(2, w.exit(), w.toString());
        assertTrue(w.err().contains("etcd.tls.ca.file = " + notPem + ": is not a PEM file"), w.err());
    }

    @Test
    void missingFileAndUnknownCommandExitTwoWithAHint() throws Exception {
        Cli.Result missing = run("check", "-c", dir.resolve("absent.yaml").toString());
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("no such file"), missing.err());

        Cli.Result unknown = run("frobnicate");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("--help"), unknown.err());
    }

    @Test
    void configDocsCommandPrintsTheCommittedReference() throws Exception {
        Cli.Result r = run("config-docs");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(Files.readString(Path.of("..", "docs", "configuration.md")), r.out());
    }

    @Test
    void subcommandsAnswerHelpAndDashHWithTheirUsage() throws Exception {
        for (List<String> args : List.of(List.of("run", "--help"), List.of("cutover", "-h"))) {
            Cli.Result r = run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("Usage: ferry " + args.get(0) + " "), r.out());
            assertTrue(r.err().isEmpty(), r.err());
        }
    }

    @Test
    void logLinesCarryTheDateAndZoneOrAreJsonLinesWhenAsked() throws Exception {
        // etcd does not answer: the watcher logs its configuration and start, then the process ends with exit code 2.
        Path unreachable = Files.writeString(dir.resolve("unreachable.yaml"), """
                etcd.endpoints: http://127.0.0.1:1
                etcd.connect.timeout.ms: 1000
                kafka.bootstrap: 127.0.0.1:1
                """);
        Cli.Result text = run("watch", "-c", unreachable.toString());
        assertEquals(2, text.exit(), text.toString());
        String first = text.err().lines().findFirst().orElse("");
        assertTrue(first.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) INFO .*"), first);

        Cli.Result json = Cli.run(dir, Map.of("FERRY_LOG_FORMAT", "json"), "watch", "-c", unreachable.toString());
        assertEquals(2, json.exit(), json.toString());
        ObjectMapper mapper = new ObjectMapper();
        List<String> logLines = json.err().lines().filter(l -> l.startsWith("{")).toList();
        assertTrue(logLines.size() >= 3, json.err());
        for (String line : logLines) {
            JsonNode event = mapper.readTree(line);
            for (String field : List.of("timestamp", "level", "loggerName", "formattedMessage")) {
                assertTrue(event.hasNonNull(field), field + " missing from " + line);
            }
        }
        // The command's own verdict stays one plain line, as in the text format.
        assertTrue(json.err().contains("ferry watch: cannot reach etcd at [http://127.0.0.1:1]"), json.err());

        Cli.Result bad = Cli.run(dir, Map.of("FERRY_LOG_FORMAT", "xml"), "check");
        assertEquals(2, bad.exit(), bad.toString());
        assertEquals("ferry: FERRY_LOG_FORMAT=xml is not a log format: use text (the default) or json", bad.err().strip());
    }

    private Cli.Result run(String... args) throws Exception {
        return Cli.run(dir, Map.of("FERRY_IT_PASSWORD", "it-secret"), args);
    }
}
