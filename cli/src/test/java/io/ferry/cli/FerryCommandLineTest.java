package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.FerryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What the command line accepts before anything connects (issue 23): every subcommand answers
 * {@code --help} and {@code -h} with its own usage and exit code 0 (they answered "Unknown option:
 * '--help'"); the command list shows whole summary lines; the commands that change or judge state
 * refuse to run without {@code -c}; a bad option value is refused at once. FerryCliIT checks help
 * through the packaged jar.
 */
class FerryCommandLineTest {

    @Test
    void everySubcommandAnswersHelpAndDashH() {
        for (String name : subcommands()) {
            for (String flag : List.of("--help", "-h")) {
                Printed p = Printed.execute(name, flag);
                assertEquals(0, p.exit(), name + " " + flag + ":\n" + p.err());
                assertTrue(p.out().startsWith("Usage: ferry " + name) || p.out().contains("\nUsage: ferry " + name),
                        name + " " + flag + ":\n" + p.out());
            }
        }
    }

    @Test
    void theCommandListShowsWholeSentences() {
        String help = Printed.execute("--help").out();
        String commands = help.substring(help.indexOf("Commands:"), help.indexOf("Exit codes:"));
        // Each entry ends its (possibly wrapped) summary with a full stop.
        for (String entry : commands.split("\n(?=  [a-z])")) {
            if (entry.startsWith("Commands:")) {
                continue;
            }
            assertTrue(entry.strip().endsWith("."), "cut summary: " + entry);
            assertFalse(entry.strip().endsWith(","), entry);
        }
    }

    @Test
    void commandsThatChangeOrJudgeStateRefuseToRunWithoutAConfigFile() {
        for (String name : Ferry.NEED_CONFIG) {
            Printed p = Printed.execute(name);
            assertEquals(Ferry.EXIT_ERROR, p.exit(), name + ":\n" + p.out() + p.err());
            assertTrue(p.err().startsWith("ferry: Missing required option: '--config=FILE'"), name + ":\n" + p.err());
        }
        assertFalse(Files.exists(Path.of("ferry.db")), "a refused command created the embedded default's ./ferry.db");
    }

    @Test
    void aBadFreezeModeIsRefusedBeforeAnythingConnects() {
        for (String name : List.of("cutover", "rollback")) {
            // The endpoints do not answer: reaching them would take seconds and end with another message.
            Printed p = Printed.execute(name, "-c", "/nonexistent/ferry.yaml", "--freeze", "maybe");
            assertEquals(Ferry.EXIT_ERROR, p.exit(), p.err());
            assertTrue(p.err().startsWith("ferry: Invalid value for option '--freeze': expected one of [MARKER, EXTERNAL]"), p.err());
        }
    }

    @Test
    void aFailurePrintsOneLineAndTheStackTraceOnlyWithVerbose() {
        RuntimeException bug = new IllegalStateException("index 3 out of bounds");
        Printed quiet = failing(bug, "boom");
        assertEquals(Ferry.EXIT_ERROR, quiet.exit());
        assertEquals("ferry boom: unexpected failure: java.lang.IllegalStateException: index 3 out of bounds. Run it again with "
                + "--verbose for the stack trace, and please report it.", quiet.err().strip());
        for (String[] args : List.of(new String[] {"boom", "--verbose"}, new String[] {"--verbose", "boom"})) {
            Printed verbose = failing(bug, args);
            assertTrue(verbose.err().contains("\tat io.ferry.cli.FerryCommandLineTest"), verbose.err());
        }

        FerryException known = new FerryException("cannot reach etcd at http://127.0.0.1:1: connection refused; check etcd.endpoints",
                new java.net.ConnectException("Connection refused"));
        Printed one = failing(known, "boom");
        assertEquals("""
                ferry boom: cannot reach etcd at http://127.0.0.1:1: connection refused; check etcd.endpoints
                  caused by: java.net.ConnectException: Connection refused""", one.err().strip());
        assertTrue(failing(known, "boom", "--verbose").err().contains("\tat "), "--verbose adds the trace to a known failure too");
    }

    /** A subcommand that throws {@code failure}, run as {@link Ferry#execute} runs the real ones. */
    private static Printed failing(RuntimeException failure, String... args) {
        @CommandLine.Command(name = "boom")
        class Boom implements Runnable {
            @Override
            public void run() {
                throw failure;
            }
        }
        CommandLine cli = Ferry.commandLine(false).addSubcommand("boom", new Boom());
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Printed(exit, out.toString(), err.toString());
    }

    private static List<String> subcommands() {
        return new CommandLine(new Ferry()).getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
    }
}
