package io.ferry.cli.faults;

/**
 * A fault as it happened, for the report.
 *
 * @param atMs   milliseconds since the workload started
 * @param tookMs how long the fault lasted until everything it touched was started again
 * @param error  null, or why injecting it failed (the run then fails as a harness error)
 */
record InjectedFault(FaultKind kind, String detail, long atMs, long tookMs, String error) {
}
