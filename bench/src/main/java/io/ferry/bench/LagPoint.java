package io.ferry.bench;

/** Lag percentiles of the writes acknowledged in one second of a steady-state run, for the plot. */
record LagPoint(double second, double p50Ms, double p99Ms, double maxMs, double offeredPerSecond) {
}
