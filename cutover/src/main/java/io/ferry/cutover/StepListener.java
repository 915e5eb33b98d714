package io.ferry.cutover;

/**
 * What the cutover, the rollback and their steps tell the operator as they go: each step as it starts and as it
 * ends, and a note now and then between two steps. The orchestration prints nothing itself; the {@code ferry}
 * command renders these as text.
 */
public interface StepListener {

    /** Step {@code step} of {@code steps}, called {@code name}, starts. */
    void started(int step, int steps, String name);

    /**
     * The step that started last succeeded after {@code millis}.
     *
     * @param detail what it found, to show beside its outcome ({@code ""} for nothing), or null when the step
     *     returned a value rather than words
     */
    void succeeded(long millis, String detail);

    /** The step that started last failed after {@code millis}; the failure itself follows as an exception. */
    void failed(long millis);

    /** A fact learned between two steps, such as a revision the next ones depend on. */
    void note(String text);
}
