package io.ferry.cli;

import io.ferry.core.FerryException;
import io.ferry.core.config.ConfigException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ferry} command. The only place that maps failures to exit codes and calls
 * {@link System#exit}:
 * <ul>
 *   <li>0: success (for {@code reconcile}: no differences)</li>
 *   <li>1: the command ran and found differences (for {@code health}: the endpoint answered 503)</li>
 *   <li>2: the command could not run: bad configuration, bad arguments, an unreachable server</li>
 * </ul>
 */
@Command(name = "ferry",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT, // --help and -h on every subcommand too
        versionProvider = FerryVersion.class,
        description = {
            "Moves a live system's state out of etcd into PostgreSQL, MySQL or SQLite, online:",
            "etcd watch -> Kafka -> idempotent SQL sink, with a reconciler that proves nothing was lost.",
            ""},
        subcommands = {DemoCommand.class, RunCommand.class, WatchCommand.class, SinkCommand.class, StatusCommand.class, ReconcileCommand.class,
            ReplayCommand.class, CutoverCommand.class, RollbackCommand.class,
            FinishCommand.class, ReverseCommand.class, CheckCommand.class, HealthCommand.class, ConfigDocsCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 differences found, 2 could not run.",
            "Documentation: docs/ (configuration.md, runbook.md, event-format.md)."})
public final class Ferry implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_DIFFERENCES = 1;
    public static final int EXIT_ERROR = 2;

    /**
     * gRPC logs through java.util.logging, outside logback's configuration, and prints an INFO
     * line at class initialisation; keep its warnings only. Held here so the setting is not
     * garbage-collected with the logger.
     */
    private static final java.util.logging.Logger GRPC_JUL = java.util.logging.Logger.getLogger("io.grpc");

    static {
        GRPC_JUL.setLevel(java.util.logging.Level.WARNING);
    }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Read by {@link #handle} from the parse result, on whichever command it was given. */
    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "On a failure, also print the stack trace (for a bug report).")
    private boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        RedactingOutput.install();
        Optional<String> badLogFormat = LogFormat.apply(System::getenv);
        if (badLogFormat.isPresent()) {
            System.err.println("ferry: " + badLogFormat.get());
            System.err.flush();
            System.exit(EXIT_ERROR);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ShutdownSignal.request();
            ShutdownSignal.awaitClosed(java.time.Duration.ofSeconds(30));
        }, "ferry-shutdown"));
        int exit = execute(true, args);
        ShutdownSignal.closed();
        System.out.flush(); // the redacting streams hold a last line without a newline until flushed
        System.err.flush();
        System.exit(exit);
    }

    /**
     * The commands that change or judge replicated state. Without {@code -c} they would act on the embedded
     * defaults: on an etcd host, a forgotten {@code -c} pointed a cutover at the local etcd and created
     * {@code ./ferry.db}. {@code status}, {@code check}, {@code health} and {@code demo} keep {@code -c} optional.
     */
    static final Set<String> NEED_CONFIG = Set.of("run", "watch", "sink", "reverse", "cutover", "rollback", "finish",
            "replay", "reconcile");

    /** Runs a command line and returns its exit code; tests and {@code ferry demo} call this instead of {@link #main}. */
    public static int execute(String... args) {
        return execute(false, args);
    }

    /**
     * {@code process}: this command is the process's own, so it may set the process's logging for its kind; a
     * command run inside another (the demo's status, cutover and reconcile) leaves its host's logging alone.
     */
    private static int execute(boolean process, String... args) {
        return commandLine(process).execute(args);
    }

    /** The command line as {@link #execute} runs it: its options' checks and its failures' handling. */
    static CommandLine commandLine(boolean process) {
        CommandLine cli = new CommandLine(new Ferry());
        cli.setCaseInsensitiveEnumValuesAllowed(true); // --freeze marker, checked before anything connects
        requireConfig(cli);
        cli.setExecutionExceptionHandler(Ferry::handle);
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("ferry: " + e.getMessage());
            err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_ERROR;
        });
        if (process) {
            cli.setExecutionStrategy(parsed -> {
                CommandLine.ParseResult last = parsed;
                while (last.hasSubcommand()) {
                    last = last.subcommand();
                }
                ClientLogs.forCommand(last.commandSpec().name());
                return new CommandLine.RunLast().execute(parsed);
            });
        }
        return cli;
    }

    /** Makes {@code -c} required on {@link #NEED_CONFIG}: picocli then refuses a missing one before anything connects. */
    private static void requireConfig(CommandLine cli) {
        for (String name : NEED_CONFIG) {
            CommandLine.Model.CommandSpec command = cli.getSubcommands().get(name).getCommandSpec();
            CommandLine.Model.OptionSpec config = command.findOption("-c");
            command.remove(config);
            command.addOption(config.toBuilder().required(true).build());
        }
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        boolean verbose = verbose(parsed);
        if (e instanceof ConfigException) {
            err.println("ferry: " + e.getMessage());
        } else if (e instanceof FerryException) {
            err.println("ferry " + cli.getCommandName() + ": " + e.getMessage());
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                err.println("  caused by: " + c);
            }
        } else {
            // A failure Ferry has no words for is a bug: one line says what, --verbose gives the trace for the report.
            err.println("ferry " + cli.getCommandName() + ": unexpected failure: " + e
                    + (verbose ? "" : ". Run it again with --verbose for the stack trace, and please report it."));
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_ERROR;
    }

    /** Whether {@code --verbose} was given anywhere on the command line: before or after the subcommand's name. */
    static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
