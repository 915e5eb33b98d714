package io.ferry.cli;

import picocli.CommandLine;

/** Reads the version from the jar manifest, so it is never out of step with the build. */
final class FerryVersion implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = Ferry.class.getPackage().getImplementationVersion();
        return new String[] {"ferry " + (v == null ? "(development build)" : v),
            "Java " + System.getProperty("java.version")};
    }
}
