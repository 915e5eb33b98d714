package io.ferry.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Child processes for servers the testkit runs itself: start with output appended to a log file,
 * kill with SIGKILL, stop with SIGTERM, and read the tail of the log for error messages.
 *
 * <p>On Linux, {@link Process#destroyForcibly()} sends SIGKILL and {@link Process#destroy()} sends
 * SIGTERM (OpenJDK's {@code ProcessHandleImpl}); the exit code the JVM then reports is 128 plus the
 * signal number, which is how {@link #SIGKILL_EXIT} and {@link #SIGTERM_EXIT} are checked in tests.
 * Every process started here is also killed by a JVM shutdown hook, so that a test JVM that ends
 * early does not leave servers running.
 *
 * <p>{@link #pause(Process)} and {@link #resume(Process)} send SIGSTOP and SIGCONT, which Java has no
 * API for, through {@code kill(1)}: a paused server keeps its sockets open but answers nothing, as a
 * server in a long GC pause or on a frozen VM does.
 */
public final class Processes {

    /** The exit code of a process ended by SIGKILL (128 + 9). */
    public static final int SIGKILL_EXIT = 137;
    /** The exit code of a process ended by SIGTERM (128 + 15). */
    public static final int SIGTERM_EXIT = 143;

    private static final Logger LOG = LoggerFactory.getLogger(Processes.class);
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "ferry-testkit-reaper"));
    }

    private Processes() {
    }

    /**
     * Starts {@code command} with stdout and stderr appended to {@code log}.
     *
     * @param env variables to set (or, with a {@code null} value, to remove) in the child's environment
     */
    public static Process start(List<String> command, Path log, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        env.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        try {
            Process process = builder.start();
            RUNNING.add(process);
            LOG.debug("Started pid {}: {}", process.pid(), command);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + command.get(0) + ": " + e.getMessage()
                    + ". Check that it is installed and executable.", e);
        }
    }

    /** Sends SIGKILL and waits for the process to be gone; returns its exit code (137 when the signal ended it). */
    public static int kill(Process process) {
        process.destroyForcibly();
        return await(process, Duration.ofSeconds(30));
    }

    /**
     * Sends SIGTERM and waits up to {@code grace} for a clean exit, then SIGKILL; returns the exit code.
     */
    public static int stop(Process process, Duration grace) {
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                RUNNING.remove(process);
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.warn("pid {} did not stop within {} after SIGTERM; sending SIGKILL", process.pid(), grace);
        return kill(process);
    }

    /** Sends SIGSTOP: the process stays alive, with its sockets open, but runs no instruction until {@link #resume(Process)}. */
    public static void pause(Process process) {
        signal(process, "STOP");
    }

    /** Sends SIGCONT to a process that {@link #pause(Process)} stopped. */
    public static void resume(Process process) {
        signal(process, "CONT");
    }

    private static void signal(Process process, String signal) {
        ProcessBuilder kill = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).redirectErrorStream(true);
        try {
            Process p = kill.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill -s " + signal + " " + process.pid() + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run kill -s " + signal + " " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending SIG" + signal + " to pid " + process.pid(), e);
        }
    }

    /** Waits for a process to exit; returns its exit code. */
    public static int await(Process process, Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("pid " + process.pid() + " did not exit within " + limit);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for pid " + process.pid() + " to exit", e);
        }
        RUNNING.remove(process);
        return process.exitValue();
    }

    /** The last {@code lines} lines of a log file, or a note that it cannot be read; for error messages. */
    public static String tail(Path log, int lines) {
        if (!Files.isReadable(log)) {
            return "(no log at " + log + ")";
        }
        Deque<String> last = new ArrayDeque<>(lines);
        // An InputStreamReader replaces malformed bytes, where Files.newBufferedReader would throw and hide the log.
        try (var reader = new BufferedReader(new InputStreamReader(Files.newInputStream(log), StandardCharsets.UTF_8))) {
            reader.lines().forEach(line -> {
                if (last.size() == lines) {
                    last.removeFirst();
                }
                last.addLast(line);
            });
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
        return "--- last " + last.size() + " lines of " + log + " ---\n" + String.join("\n", last);
    }
}
