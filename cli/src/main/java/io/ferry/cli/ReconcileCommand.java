package io.ferry.cli;

import io.etcd.jetcd.Client;
import io.ferry.cutover.CutoverRecord;
import io.ferry.clients.EtcdClients;
import io.ferry.clients.EtcdPermissionDenied;
import io.ferry.clients.EtcdRoles;
import io.ferry.clients.JdbcConnections;
import io.ferry.clients.JdbcFailures;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.reconciler.LateWrite;
import io.ferry.reconciler.LateWriteScanner;
import io.ferry.reconciler.ReconcileOptions;
import io.ferry.reconciler.ReconcileReport;
import io.ferry.reconciler.Reconciler;
import io.ferry.reconciler.report.HtmlReport;
import io.ferry.reconciler.report.JsonReport;
import io.ferry.reconciler.report.ProgressBar;
import io.ferry.reconciler.report.ReportContext;
import io.ferry.reconciler.report.ReportVerdict;
import io.ferry.reconciler.report.TerminalSummary;
import io.ferry.reconciler.sql.SqlTable;
import io.ferry.reconciler.sql.SqlTables;
import io.ferry.sink.MappedTableReader;
import io.ferry.state.CutoverRow;
import io.ferry.state.DecodeFailuresTable;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ferry reconcile}: prove SQL equals etcd at a revision, or list every difference. */
@Command(name = "reconcile", description = {
    "Compare SQL with etcd at one revision, byte for byte, and report every difference.",
    "Exit code 0: clean. 1: differences or late writes found. 2: could not run."})
final class ReconcileCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(names = "--revision", paramLabel = "R", description = "etcd revision to compare at (default: the current one; after a cutover's switch, F).")
    Long revision;

    @Option(names = "--since", paramLabel = "F", description = "Also list every etcd change after the cutover revision F (default after a switch: F).")
    Long since;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the full JSON report, every differing key included.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Write an HTML report with charts, for people.")
    Path html;

    @Option(names = "--repair", description = "Re-emit etcd's current state of each differing key into Kafka, for the sink to apply.")
    boolean repair;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the sink's watermark to reach R (default: ${DEFAULT-VALUE}); 0 compares at once.")
    long waitSeconds;

    @Option(names = "--page-keys", paramLabel = "N", defaultValue = "10000",
            description = "Keys per etcd page and SQL range hash (default: ${DEFAULT-VALUE}).")
    int pageKeys;

    @Override
    public Integer call() throws Exception {
        FerryConfig c = config.load();
        ReconcileOptions options = ReconcileOptions.defaults().withPageKeys(pageKeys)
                .withWatermarkTimeout(Duration.ofSeconds(waitSeconds));
        Optional<CutoverRow> cutover = CutoverRecord.of(c).latest();
        // After the switch the sink applies nothing from etcd: the copy is complete at F, and what came later is late.
        Long switchedAt = cutover.filter(l -> l.phase().sqlAuthoritative()).map(CutoverRow::freezeRevision).orElse(null);
        if (switchedAt != null) {
            if (repair) {
                throw new FerryException("--repair is refused: a cutover switched at F=" + switchedAt + " and SQL is "
                        + "authoritative, so etcd's state must not overwrite it. Reconcile without --repair.");
            }
            revision = revision == null ? switchedAt : revision;
            since = since == null ? switchedAt : since;
            System.err.printf("A cutover switched at F=%d: comparing at R=%d and listing etcd changes after F=%d.%n",
                    switchedAt, revision, since);
        }
        if (revision != null) {
            options = options.atRevision(revision);
        }
        try (Client etcd = EtcdClients.build(c.etcd());
             SqlTable sql = SqlTables.open(JdbcConnections.sink(c), c.sink().table(), c.kafka().topic());
             // The mapped tables are read on a connection of their own, only where sink.mappings declares some.
             Connection mappedRows = MappedTableReader.any(c.sink()) ? JdbcConnections.connect(JdbcConnections.sink(c)) : null) {
            String clusterId = EtcdClients.clusterId(EtcdClients.probe(etcd, c.etcd()));
            Reconciler reconciler = new Reconciler(etcd.getKVClient(), sql,
                    new ProgressBar(System.err, System.console() != null), mappedRows == null ? List.of()
                    : MappedTableReader.of(c.sink(), JdbcConnections.sink(c).kind(), mappedRows));
            ReconcileReport report = reconciler.reconcile(c.etcd().prefixes(), options);
            List<LateWrite> late = since == null ? null : lateWrites(c, sql, reconciler.currentRevision(c.etcd().prefixes()));
            ReportContext context = context(c, clusterId, cutover);
            writeReports(report, late, context);
            TerminalSummary.print(report, late, context, System.out);
            if (repair && report.differences().total() > 0) {
                repair(c, etcd, report);
            }
            return switch (ReportVerdict.of(report, late)) {
                case CLEAN -> Ferry.EXIT_OK;
                case DIFFERENCES -> Ferry.EXIT_DIFFERENCES;
                case NOTHING_COMPARED -> Ferry.EXIT_ERROR; // a wrong prefix, not a proof
            };
        } catch (RuntimeException e) {
            throw EtcdPermissionDenied.explain(e, c.etcd(), "ferry reconcile", EtcdRoles.reconcile(c));
        }
    }

    /** The run's audit facts for the reports. */
    private ReportContext context(FerryConfig c, String clusterId, Optional<CutoverRow> cutover) {
        List<String> given = spec.commandLine().getParseResult().originalArgs();
        return new ReportContext(Instant.now(), clusterId, c.etcd().endpoints().stream().map(Object::toString).toList(),
                JdbcConnections.sink(c).identity(), c.sink().table(), FerryVersion.version(), given,
                cutover.map(l -> new ReportContext.Cutover(l.phase().name().toLowerCase(java.util.Locale.ROOT), l.freezeRevision(),
                        l.downtimeMs(), l.phase().sqlAuthoritative())).orElse(null), decodeFailures(c));
    }

    /** ferry_decode_failures by table and category; null, with a note, where the user may not read it. */
    private static Map<String, Map<String, Long>> decodeFailures(FerryConfig c) {
        JdbcTarget target = JdbcConnections.sink(c);
        try (Connection connection = JdbcConnections.connect(target)) {
            return new DecodeFailuresTable(target.kind()).counts(connection);
        } catch (SQLException e) {
            System.err.println("Cannot read ferry_decode_failures: " + JdbcFailures.describe(e, target)
                    + ". Grant SELECT on it to list the values that did not decode.");
            return null;
        }
    }

    /** History is read on a connection of its own, closed right after, so cancelling the watch disturbs nothing else. */
    private List<LateWrite> lateWrites(FerryConfig c, SqlTable sql, long until) {
        try (Client history = EtcdClients.build(c.etcd())) {
            return new LateWriteScanner(history.getKVClient(), history.getWatchClient(), sql,
                    io.ferry.core.config.CutoverConfig.of(c).ownKeys())
                    .scan(c.etcd().prefixes(), since, until, Duration.ofMinutes(5));
        }
    }

    private void writeReports(ReconcileReport report, List<LateWrite> late, ReportContext context) throws Exception {
        if (json != null) {
            try (OutputStream out = Files.newOutputStream(json)) {
                JsonReport.write(report, late, context, out);
            }
            System.err.println("JSON report: " + json.toAbsolutePath());
        }
        if (html != null) {
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(html))) {
                HtmlReport.write(report, late, context, out);
            }
            System.err.println("HTML report: " + html.toAbsolutePath());
        }
    }

    private void repair(FerryConfig c, Client etcd, ReconcileReport report) {
        long n = RepairRecords.emit(c, etcd, report);
        System.out.printf("Repair: re-emitted %,d records to %s. Once the sink has applied them, run reconcile again;"
                + " it should come back clean.%n", n, c.kafka().topic());
    }
}
