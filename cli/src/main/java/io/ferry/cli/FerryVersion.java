package io.ferry.cli;

import picocli.CommandLine;

/** Reads the version from the jar manifest, so it is never out of step with the build. */
final class FerryVersion implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"ferry " + number(), "Java " + System.getProperty("java.version")};
    }

    /** The version alone, for reports and meters. */
    static String number() {
        String v = Ferry.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
