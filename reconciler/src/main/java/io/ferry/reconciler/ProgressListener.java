package io.ferry.reconciler;

/** Receives progress while a reconciliation runs, for a progress bar. */
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param keysDone etcd keys compared so far
     * @param keysTotal etcd keys to compare, counted at R before the comparison started
     * @param differences differences found so far
     */
    void progress(long keysDone, long keysTotal, long differences);

    ProgressListener NONE = (done, total, diffs) -> { };
}
