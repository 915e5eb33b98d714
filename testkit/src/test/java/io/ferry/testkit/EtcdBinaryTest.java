package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdBinaryTest {

    @TempDir
    Path dir;

    @Test
    void missingEtcdFailsWithHowToInstallIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EtcdBinary.locate(dir.resolve("none"), dir.toString()));
        assertEquals("etcd not found on PATH. Run deploy/local/stack.sh prereqs (installs Debian's etcd-server) "
                + "or set FERRY_TEST_ETCD_ENDPOINTS", e.getMessage());
    }

    @Test
    void etcdIsFoundOnThePath() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path etcd = Files.createFile(bin.resolve("etcd"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals(etcd.toString(), EtcdBinary.locate(dir.resolve("none"), "/nonexistent:" + bin));
    }
}
