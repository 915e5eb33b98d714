package io.ferry.reconciler.report;

import io.ferry.reconciler.ProgressListener;
import java.io.PrintStream;

/**
 * A progress bar with rate and ETA on a terminal; on a pipe or in a log (no console), a plain line
 * every ten seconds instead, so CI logs stay readable.
 */
public final class ProgressBar implements ProgressListener {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean interactive;
    private final long started = System.nanoTime();
    private long lastPrint;

    public ProgressBar(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void progress(long done, long total, long differences) {
        long now = System.nanoTime();
        long interval = interactive ? 200_000_000L : 10_000_000_000L;
        if (now - lastPrint < interval && done < total) {
            return;
        }
        lastPrint = now;
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        double rate = done / seconds;
        double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
        long eta = rate <= 0 ? 0 : (long) ((total - done) / rate);
        String line = String.format("%5.1f%% %,d/%,d keys, %,.0f keys/s, ETA %d:%02d, %,d differences",
                fraction * 100, done, total, rate, eta / 60, eta % 60, differences);
        if (interactive) {
            int filled = (int) (fraction * WIDTH);
            out.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + line);
            if (done >= total) {
                out.println();
            }
        } else {
            out.println("progress: " + line);
        }
        out.flush();
    }
}
