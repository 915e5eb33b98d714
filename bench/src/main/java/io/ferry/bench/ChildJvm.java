package io.ferry.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A child process whose output is collected line by line and whose peak RSS is sampled while it
 * runs (VmHWM only grows, so the last sample before it exits is its peak, to within the period).
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private final Thread sampler;
    private volatile double peakRssMiB = -1;

    private ChildJvm(Process process, Consumer<String> echo) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    echo.accept(line);
                }
            } catch (IOException e) {
                // The child ended; what it wrote so far is kept.
            }
        }, "bench-child-output");
        this.sampler = new Thread(() -> {
            String pid = Long.toString(process.pid());
            while (process.isAlive()) {
                double rss = MemoryWatch.peakRssMiB(pid);
                if (rss > peakRssMiB) {
                    peakRssMiB = rss;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-child-rss");
        reader.setDaemon(true);
        sampler.setDaemon(true);
        reader.start();
        sampler.start();
    }

    /** Starts {@code java <jvmArgs> <args>} with this JVM's java; stderr goes with stdout. */
    static ChildJvm start(List<String> jvmArgs, List<String> args, Path log, Consumer<String> echo) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(log.toFile());
        }
        Process process = pb.start();
        // If the bench itself is stopped, its children must not outlive it.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "bench-child-stop"));
        return new ChildJvm(process, echo);
    }

    /** Starts {@code command} as it is (a script, say); stdout and stderr go to {@code log}. */
    static ChildJvm command(List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "bench-child-stop"));
        return new ChildJvm(process, line -> { });
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for it to exit; returns the exit code, or throws naming what did not end in time. */
    int await(long seconds, String what) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(what + " did not finish within " + seconds + " s; it was killed. Output:\n"
                    + String.join("\n", output()));
        }
        reader.join(5000);
        return process.exitValue();
    }

    List<String> output() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /**
     * The heap it keeps live, in MiB: the total of {@code jcmd GC.class_histogram}, which counts
     * the objects left after a full collection. That is what the process holds on to, and what
     * would grow with the key count if anything were kept per key; between collections the heap
     * also holds garbage, as much as the collector lets pile up. (Not "used" from
     * {@code GC.heap_info} after {@code GC.run}: by the time the second command attaches, a copy
     * at full speed has filled the young generation again.)
     */
    double liveHeapMiB() throws IOException, InterruptedException {
        List<String> histogram = jcmd("GC.class_histogram");
        for (int i = histogram.size() - 1; i >= 0; i--) {
            String[] total = histogram.get(i).trim().split("\\s+");
            if (total.length == 3 && total[0].equals("Total")) {
                return Long.parseLong(total[2]) / (1024.0 * 1024);
            }
        }
        throw new IllegalStateException("jcmd GC.class_histogram of process " + process.pid() + " printed no total");
    }

    private List<String> jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), command).redirectErrorStream(true).start();
        List<String> out;
        try (var reader = p.inputReader()) {
            out = reader.lines().toList();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + command + " of process " + process.pid() + " failed: " + out);
        }
        return out;
    }

    /** Peak RSS in MiB, sampled now if it still runs. */
    double peakRssMiB() {
        if (process.isAlive()) {
            double now = MemoryWatch.peakRssMiB(Long.toString(process.pid()));
            if (now > peakRssMiB) {
                peakRssMiB = now;
            }
        }
        return peakRssMiB;
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        sampler.interrupt();
    }
}
