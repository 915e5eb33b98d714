package io.ferry.cli;

import picocli.CommandLine;

/** Reads the version from the jar manifest, so it is never out of step with the build. */
final class FerryVersion implements CommandLine.IVersionProvider {

    /** Ferry's version, or {@code development} when the classes do not run from the built jar (an IDE, a test). */
    static String version() {
        String v = Ferry.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    @Override
    public String[] getVersion() {
        String v = version();
        return new String[] {"ferry " + (v.equals("development") ? "(development build)" : v),
            "Java " + System.getProperty("java.version")};
    }
}
