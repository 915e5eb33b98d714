package io.ferry.cli;

import io.ferry.core.config.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard output and standard error that mask every secret of the loaded configuration ({@link Secrets#redact}),
 * line by line, whoever writes: the log, a JDBC driver's message quoting its URL, a library's stack trace, gRPC's
 * own logging. {@link Ferry#main} installs it before anything prints, so the {@code ferry} command prints no secret
 * even where Ferry's own masking cannot reach.
 */
final class RedactingOutput extends OutputStream {

    private final PrintStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    private RedactingOutput(PrintStream target) {
        this.target = target;
    }

    /** Replaces {@link System#out} and {@link System#err} with redacting streams over them. */
    static void install() {
        System.setOut(new PrintStream(new RedactingOutput(System.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new RedactingOutput(System.err), true, StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** A partial line goes out too: a prompt or a report without a final newline must not wait. */
    @Override
    public synchronized void flush() throws IOException {
        emit();
        target.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        flush();
    }

    private void emit() {
        if (line.size() == 0) {
            return;
        }
        byte[] redacted = Secrets.redact(line.toString(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        target.write(redacted, 0, redacted.length);
        line.reset();
    }
}
