package io.ferry.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The etcd keys' rules between each other: one scheme, no password in clear, TLS files that exist and come in pairs. */
class EtcdConfigTest {

    @TempDir
    Path dir;

    @Test
    void mixedSchemesAreRejectedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> FerryConfig.fromYaml(
                "etcd.endpoints: [https://10.0.0.1:2379, http://10.0.0.2:2379]", Map.of()));
        assertEquals(List.of("etcd.endpoints"), keys(e));
        assertTrue(e.getMessage().contains("mixes http:// and https:// endpoints"), e.getMessage());
    }

    @Test
    void aPasswordOverPlaintextIsRefusedUnlessExplicitlyAllowed() {
        ConfigException e = assertThrows(ConfigException.class, () -> FerryConfig.fromYaml("""
                etcd.endpoints: http://10.0.0.1:2379
                etcd.user: ferry
                etcd.password: hunter2
                """, Map.of()));
        assertEquals(List.of("etcd.password"), keys(e));
        assertTrue(e.getMessage().contains("would be sent in clear"), e.getMessage());
        assertTrue(e.getMessage().contains("etcd.allow.plaintext.password"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());

        FerryConfig allowed = FerryConfig.fromYaml("""
                etcd.endpoints: http://10.0.0.1:2379
                etcd.password: hunter2
                etcd.allow.plaintext.password: true
                """, Map.of());
        assertTrue(allowed.etcd().allowPlaintextPassword());
        assertFalse(allowed.etcd().tls());

        FerryConfig overTls = FerryConfig.fromYaml("""
                etcd.endpoints: https://10.0.0.1:2379
                etcd.password: hunter2
                """, Map.of());
        assertTrue(overTls.etcd().tls(), "https:// means TLS, with or without a CA file");
    }

    @Test
    void aKeyNeedsItsCertificateAndTheOtherWayRound() throws Exception {
        Path pem = Files.writeString(dir.resolve("x.pem"), "not checked here");
        ConfigException keyOnly = assertThrows(ConfigException.class, () -> FerryConfig.fromYaml(
                "etcd.endpoints: https://e:2379\netcd.tls.key.file: " + pem, Map.of()));
        assertEquals(List.of("etcd.tls.key.file"), keys(keyOnly));
        assertTrue(keyOnly.getMessage().contains("etcd.tls.cert.file is not"), keyOnly.getMessage());

        ConfigException certOnly = assertThrows(ConfigException.class, () -> FerryConfig.fromYaml(
                "etcd.endpoints: https://e:2379\netcd.tls.cert.file: " + pem, Map.of()));
        assertEquals(List.of("etcd.tls.cert.file"), keys(certOnly));
    }

    @Test
    void tlsFilesWithPlaintextEndpointsAreRejected() throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), "not checked here");
        ConfigException e = assertThrows(ConfigException.class, () -> FerryConfig.fromYaml(
                "etcd.endpoints: http://e:2379\netcd.tls.ca.file: " + pem, Map.of()));
        assertEquals(List.of("etcd.tls.ca.file"), keys(e));
        assertTrue(e.getMessage().contains("write the endpoints as https://"), e.getMessage());
    }

    @Test
    void tlsFilesThatDoNotExistOrCannotBeReadAreRejected() throws Exception {
        Path unreadable = Files.writeString(dir.resolve("key.pem"), "secret");
        Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
        boolean root = Files.isReadable(unreadable); // root reads anything: that case cannot be made here
        ConfigException e = assertThrows(ConfigException.class, () -> FerryConfig.fromYaml("""
                etcd.endpoints: https://e:2379
                etcd.tls.ca.file: %s
                etcd.tls.cert.file: %s
                etcd.tls.key.file: %s
                """.formatted(dir.resolve("absent.pem"), dir, unreadable), Map.of()));
        List<String> expected = root ? List.of("etcd.tls.ca.file", "etcd.tls.cert.file")
                : List.of("etcd.tls.ca.file", "etcd.tls.cert.file", "etcd.tls.key.file");
        assertEquals(expected, keys(e), e.getMessage());
        assertTrue(e.getMessage().contains("absent.pem: no such file"), e.getMessage());
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    private static List<String> keys(ConfigException e) {
        return e.problems().stream().map(ConfigProblem::key).toList();
    }
}
