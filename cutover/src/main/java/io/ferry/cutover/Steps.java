package io.ferry.cutover;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** Prints each cutover step with its outcome and how long it took. */
final class Steps {

    private final PrintStream out;
    private final int total;
    private int n;

    Steps(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    <T> T run(String name, Callable<T> step) throws Exception {
        n++;
        out.printf("[%d/%d] %-44s", n, total, name + " ...");
        out.flush();
        long start = System.nanoTime();
        try {
            T result = step.call();
            out.printf(" ok (%d ms)%s%n", (System.nanoTime() - start) / 1_000_000, result instanceof String s ? " " + s : "");
            return result;
        } catch (Exception e) {
            out.printf(" FAILED (%d ms)%n", (System.nanoTime() - start) / 1_000_000);
            throw e;
        }
    }
}
