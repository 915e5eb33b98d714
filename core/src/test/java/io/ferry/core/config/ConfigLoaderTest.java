package io.ferry.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets from files: Kubernetes Secrets mounted as files and systemd's LoadCredential=. */
class ConfigLoaderTest {

    @Test
    void fileReferencesReadTheFileWithoutItsTrailingNewline(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("etcd"), "e-pass\n");
        Files.writeString(dir.resolve("pg"), "p%zz/ w\r\n");
        Files.writeString(dir.resolve("two-lines"), "line1\nline2\n\n");
        FerryConfig c = FerryConfig.fromYaml("""
                etcd.password: ${file:%s/etcd}
                etcd.allow.plaintext.password: true
                sink.jdbc: postgresql://ferry:${file:${CREDENTIALS_DIRECTORY}/pg}@db:5432/app
                sink.password: ${file:%s/two-lines}
                """.formatted(dir, dir), Map.of("CREDENTIALS_DIRECTORY", dir.toString()));
        assertEquals("e-pass", c.etcd().password().orElseThrow());
        assertEquals("p%zz/ w", JdbcTarget.parse(c.sink().jdbc()).password().orElseThrow());
        assertEquals("line1\nline2\n", c.sink().password().orElseThrow(), "only one trailing newline is removed");
        String described = String.join("\n", c.describe());
        assertFalse(described.contains("e-pass") || described.contains("zz/ w") || described.contains("line1"), described);
    }

    @Test
    void whatAReferenceGivesIsNotSubstitutedAgain(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pw"), "${HOME}${file:/etc/hostname}");
        FerryConfig c = FerryConfig.fromYaml("etcd.password: ${file:" + dir.resolve("pw") + "}\netcd.user: ${U}\n"
                + "etcd.allow.plaintext.password: true\n",
                Map.of("U", "${file:/etc/hostname}"));
        assertEquals("${HOME}${file:/etc/hostname}", c.etcd().password().orElseThrow());
        assertEquals("${file:/etc/hostname}", c.etcd().user().orElseThrow());
    }

    @Test
    void anUnreadableFileIsAProblemNamingTheKeyAndPathNotTheContent(@TempDir Path dir) throws Exception {
        Path locked = Files.writeString(dir.resolve("locked"), "hunter2-locked");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        ConfigException e = assertThrows(ConfigException.class, () -> FerryConfig.fromYaml("""
                etcd.password: ${file:%s/missing}
                sink.password: ${file:%s}
                sink.user: ${file:%s}
                http.bind: ${file:}
                """.formatted(dir, locked, dir), Map.of()));
        String msg = e.getMessage();
        assertTrue(msg.contains("etcd.password: refers to file " + dir + "/missing, which does not exist"), msg);
        if (!Files.isReadable(locked)) { // root reads anything
            assertTrue(msg.contains("sink.password: refers to file " + locked + ", which this process may not read"), msg);
        }
        assertTrue(msg.contains("sink.user: refers to file " + dir + ", which is a directory"), msg);
        assertTrue(msg.contains("http.bind: refers to ${file:...} without a path"), msg);
        assertFalse(msg.contains("hunter2"), msg);
    }
}
