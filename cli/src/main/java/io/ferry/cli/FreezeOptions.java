package io.ferry.cli;

import io.ferry.cutover.FreezeMode;
import picocli.CommandLine.Option;

/**
 * The options {@code ferry cutover} and {@code ferry rollback} share: how the writers are stopped, and undoing a
 * run that was interrupted. Each command stops other writers and undoes other things, so each says what they mean
 * for it, under the keys {@code freeze} and {@code abort} of its {@code resourceBundle}.
 */
final class FreezeOptions {

    @Option(names = "--freeze", defaultValue = "marker", paramLabel = "marker|external", descriptionKey = "freeze")
    FreezeMode mode;

    @Option(names = "--abort", descriptionKey = "abort")
    boolean abort;
}
