package io.ferry.core.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.FerryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningConfigTest {

    private static final String KEY = "k".repeat(SigningConfig.MIN_KEY_BYTES);
    private static final String OLD = "o".repeat(40);

    @TempDir
    Path dir;

    @Test
    void offUnlessAKeyIsSet() {
        SigningConfig s = SigningConfig.of(FerryConfig.fromMap(Map.of()));
        assertFalse(s.enabled());
        assertEquals("SigningConfig[off]", s.toString());
    }

    @Test
    void keyFromTheConfigurationSignsAndEarlierKeysOnlyVerify() {
        SigningConfig s = SigningConfig.of(FerryConfig.fromMap(Map.of("signing.key", KEY, "signing.verify.keys", List.of(OLD))));
        assertTrue(s.enabled());
        assertArrayEquals(KEY.getBytes(StandardCharsets.UTF_8), s.signingKey());
        assertEquals(2, s.keys().size());
        assertFalse(s.toString().contains(KEY), "never print a key: " + s);
    }

    @Test
    void keyFileFirstLineSignsAndTheOthersVerify() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), KEY + "\n\n" + OLD + "\n");
        SigningConfig s = SigningConfig.of(FerryConfig.fromMap(Map.of("signing.key.file", file.toString())));
        assertArrayEquals(KEY.getBytes(StandardCharsets.UTF_8), s.signingKey());
        assertArrayEquals(OLD.getBytes(StandardCharsets.UTF_8), s.keys().get(1));
    }

    @Test
    void aShortKeyIsRefusedWithoutBeingPrinted() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> FerryConfig.fromMap(Map.of("signing.key", "short-secret")));
        assertTrue(e.getMessage().contains("signing.key"), e.getMessage());
        assertFalse(e.getMessage().contains("short-secret"), e.getMessage());

        Path file = Files.writeString(dir.resolve("short"), "short-secret\n");
        FerryException f = assertThrows(FerryException.class,
                () -> SigningConfig.of(FerryConfig.fromMap(Map.of("signing.key.file", file.toString()))));
        assertTrue(f.getMessage().contains("line 1"), f.getMessage());
        assertFalse(f.getMessage().contains("short-secret"), f.getMessage());
    }

    @Test
    void contradictionsAreRefused() {
        assertThrows(FerryException.class, () -> SigningConfig.of(FerryConfig.fromMap(
                Map.of("signing.key", KEY, "signing.key.file", dir.resolve("k").toString()))));
        assertThrows(FerryException.class, () -> SigningConfig.of(FerryConfig.fromMap(Map.of("signing.accept.unsigned", true))));
        assertThrows(FerryException.class, () -> SigningConfig.of(FerryConfig.fromMap(Map.of("signing.verify.keys", OLD))));
        FerryException missing = assertThrows(FerryException.class, () -> SigningConfig.of(FerryConfig.fromMap(
                Map.of("signing.key.file", dir.resolve("absent").toString()))));
        assertTrue(missing.getMessage().contains("cannot be read"), missing.getMessage());
    }

    @Test
    void writerPrincipalsMustBeKafkaPrincipals() {
        assertEquals(List.of("User:ferry-watcher"), TopicWritersConfig.of(FerryConfig.fromMap(
                Map.of("watcher.kafka.principals", "User:ferry-watcher"))).principals());
        assertThrows(ConfigException.class, () -> FerryConfig.fromMap(Map.of("watcher.kafka.principals", "ferry-watcher")));
    }
}
