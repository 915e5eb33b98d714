package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the packaged ferry.jar as a separate process, the way an operator does. */
final class Cli {

    static final Path JAR = Path.of("target", "ferry.jar");

    /** What a finished command printed and returned. */
    record Result(int exit, String out, String err) {
    }

    private Cli() {
    }

    static Process start(Path dir, String... args) throws IOException {
        return start(dir, java.util.Map.of(), args);
    }

    /** As {@link #start(Path, String...)}, with {@code env} added to the process's environment (a secret, say). */
    static Process start(Path dir, java.util.Map<String, String> env, String... args) throws IOException {
        ProcessBuilder pb = builder(args).directory(dir.toFile())
                .redirectOutput(dir.resolve("ferry-run.out").toFile())
                .redirectError(dir.resolve("ferry-run.log").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    static Result run(Path dir, String... args) throws IOException, InterruptedException {
        return run(dir, java.util.Map.of(), args);
    }

    static Result run(Path dir, java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = builder(args).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "ferry " + String.join(" ", args) + " did not finish");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    static String tail(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("ferry-run.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** What a process started with {@link #start} in {@code dir} has logged and printed so far. */
    static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("ferry-run.log")) + Files.readString(dir.resolve("ferry-run.out"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM, as an operator stops it, then SIGKILL if it has not exited within a minute. */
    static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** The value of {@code key} in the generic table {@code etcd_kv} of {@code db}, or null (no row, or no table yet). */
    static String value(io.ferry.testkit.SqlDatabase db, String key) {
        try (java.sql.Connection c = db.connect(); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT \"value\" FROM etcd_kv WHERE \"key\" = ?")) {
            ps.setBytes(1, key.getBytes(StandardCharsets.UTF_8));
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String(rs.getBytes(1), StandardCharsets.UTF_8) : null;
            }
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    private static ProcessBuilder builder(String... args) {
        assertTrue(Files.exists(JAR), "target/ferry.jar is missing: the IT runs after 'mvn package'");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
}
