package io.ferry.cutover;

import java.util.concurrent.Callable;

/** Runs the steps of a cutover or a rollback one after another, numbered and timed, and reports each to a listener. */
final class Steps {

    private final StepListener listener;
    private final int total;
    private int n;

    Steps(StepListener listener, int total) {
        this.listener = listener;
        this.total = total;
    }

    <T> T run(String name, Callable<T> step) throws Exception {
        n++;
        listener.started(n, total, name);
        long start = System.nanoTime();
        try {
            T result = step.call();
            listener.succeeded((System.nanoTime() - start) / 1_000_000, result instanceof String s ? s : null);
            return result;
        } catch (Exception e) {
            listener.failed((System.nanoTime() - start) / 1_000_000);
            throw e;
        }
    }

    /** A note between two steps. */
    void note(String text) {
        listener.note(text);
    }
}
