package io.ferry.cli;

import io.ferry.cutover.StepListener;
import java.io.PrintStream;

/** A cutover's or a rollback's steps as the operator reads them: one numbered, timed line a step, notes indented. */
final class TextSteps implements StepListener {

    private final PrintStream out;

    TextSteps(PrintStream out) {
        this.out = out;
    }

    @Override
    public void started(int step, int steps, String name) {
        out.printf("[%d/%d] %-44s", step, steps, name + " ...");
        out.flush();
    }

    @Override
    public void succeeded(long millis, String detail) {
        out.printf(" ok (%d ms)%s%n", millis, detail == null ? "" : " " + detail);
    }

    @Override
    public void failed(long millis) {
        out.printf(" FAILED (%d ms)%n", millis);
    }

    @Override
    public void note(String text) {
        out.println("      " + text);
    }
}
