package io.ferry.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the etcd binary; keeps the "not installed" message, which tells how to install it, in one place. */
final class EtcdBinary {

    private EtcdBinary() {
    }

    static String locate() {
        return locate(Path.of("/usr/bin/etcd"), System.getenv().getOrDefault("PATH", ""));
    }

    /** The usual place first (Debian's package), then each directory of {@code path}. */
    static String locate(Path usual, String path) {
        if (Files.isExecutable(usual)) {
            return usual.toString();
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "etcd"))) {
                return Path.of(dir, "etcd").toString();
            }
        }
        throw new IllegalStateException("etcd not found on PATH. Run deploy/local/stack.sh prereqs "
                + "(installs Debian's etcd-server) or set " + EtcdServer.ENV_ENDPOINTS);
    }
}
