package io.ferry.bench;

/**
 * What replicates while a scenario waits for SQL: Ferry's components inside the bench's JVM
 * ({@link FerryPipeline}) or {@code ferry run}, or {@code ferry watch} and {@code ferry sink}, as users
 * start them ({@link ShippedFerry}).
 */
interface Replication extends AutoCloseable {

    /** Throws when it failed, naming what and why, so that a wait never outlives it. */
    void check();

    @Override
    void close() throws Exception;
}
