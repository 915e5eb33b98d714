package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every subcommand answers {@code --help} and {@code -h} with its own usage and exit code 0 (issue 23:
 * they answered "Unknown option: '--help'"), and the command list shows each one's whole summary line,
 * never a description cut mid-sentence. FerryCliIT checks the same through the packaged jar.
 */
class FerryHelpTest {

    @Test
    void everySubcommandAnswersHelpAndDashH() {
        for (String name : subcommands()) {
            for (String flag : List.of("--help", "-h")) {
                Printed p = execute(name, flag);
                assertEquals(0, p.exit(), name + " " + flag + ":\n" + p.err());
                assertTrue(p.out().startsWith("Usage: ferry " + name) || p.out().contains("\nUsage: ferry " + name),
                        name + " " + flag + ":\n" + p.out());
            }
        }
    }

    @Test
    void theCommandListShowsWholeSentences() {
        String help = execute("--help").out();
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

    private static List<String> subcommands() {
        return new CommandLine(new Ferry()).getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
    }

    private record Printed(int exit, String out, String err) {
    }

    private static Printed execute(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = Ferry.execute(args);
            return new Printed(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
