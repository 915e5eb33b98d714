package io.ferry.cutover;

/** How writers are stopped for the cutover. */
public enum FreezeMode {
    /** Ferry writes a marker key that cooperating writers watch, and stop at. */
    MARKER,
    /** The operator has stopped the writers; Ferry only waits until etcd is quiet. */
    EXTERNAL
}
