package io.ferry.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Passwords in URLs are found by parsing, whatever characters they hold. */
class SecretsTest {

    /** Passwords that a pattern stopping at '/', '@', '%' or a space let through (issue 21). */
    private static final List<String> HARD_PASSWORDS = List.of("pa%ss", "p%zz/ w", "a/b", "with space", "p@ss", "a@b/c",
            "q?x", "%41%", "x:y", "end%");

    @Test
    void userinfoPasswordsAreMaskedWhateverTheyHold() {
        for (String pw : HARD_PASSWORDS) {
            for (String head : List.of("postgresql://", "jdbc:mysql://", "mysql://", "http://")) {
                String url = head + "app:" + pw + "@db.internal:5432/diego?sslmode=verify-full";
                String masked = Secrets.maskUrl(url);
                assertEquals(head + "app:****@db.internal:5432/diego?sslmode=verify-full", masked, url);
            }
        }
    }

    @Test
    void passwordParametersAreMaskedUpToTheNextParameter() {
        assertEquals("jdbc:postgresql://h:5432/db?user=app&password=****&sslmode=require",
                Secrets.maskUrl("jdbc:postgresql://h:5432/db?user=app&password=p%zz/ w@x&sslmode=require"));
        assertEquals("jdbc:postgresql:db?sslpassword=****", Secrets.maskUrl("jdbc:postgresql:db?sslpassword=a b/c"));
        assertEquals("jdbc:mysql://h/db?trustCertificateKeyStorePassword=****&sslMode=VERIFY_IDENTITY",
                Secrets.maskUrl("jdbc:mysql://h/db?trustCertificateKeyStorePassword=a&b&sslMode=VERIFY_IDENTITY"));
        // Azure-style user names hold '@' in the query; they are not credentials of the authority.
        assertEquals("jdbc:postgresql://h/db?user=app@server", Secrets.maskUrl("jdbc:postgresql://h/db?user=app@server"));
    }

    @Test
    void aRememberedSecretIsMaskedInAJsonLogLineToo() {
        String secret = "q\"uo/te\\back\tx";
        Secrets.remember(secret);
        // As logback's JsonEncoder writes it (it escapes '/'), and as Jackson does (it does not).
        assertEquals("{\"message\":\"login with ****\"}", Secrets.redact("{\"message\":\"login with q\\\"uo\\/te\\\\back\\tx\"}"));
        assertEquals("{\"message\":\"login with ****\"}", Secrets.redact("{\"message\":\"login with q\\\"uo/te\\\\back\\tx\"}"));
        assertEquals("login with ****", Secrets.redact("login with " + secret));
    }

    @Test
    void hostsAndUsersStayReadable() {
        assertEquals("mysql://root@[::1]:3306,h2:3306/app", Secrets.maskUrl("mysql://root@[::1]:3306,h2:3306/app"));
        assertEquals("http://127.0.0.1:2379", Secrets.maskUrl("http://127.0.0.1:2379"));
        assertEquals("jdbc:sqlite:/tmp//a.db", Secrets.maskUrl("jdbc:sqlite:/tmp//a.db"));
        assertEquals("not a url", Secrets.maskUrl("not a url"));
    }

    @Test
    void anAuthorityThatCannotBeToldApartIsMaskedWhole() {
        assertEquals("jdbc:mysql://****", Secrets.maskUrl("jdbc:mysql://(host=h,password=s3cret)/db"));
        assertEquals("postgresql://****", Secrets.maskUrl("postgresql://app:s3cret@/db"));
    }

    @Test
    void connectionStringsAcceptUnencodedPasswordsAndNeverQuoteThem() {
        for (String pw : HARD_PASSWORDS) {
            JdbcTarget t = JdbcTarget.parse("postgresql://app:" + pw + "@db.internal:5432/diego?sslmode=verify-full");
            assertEquals("jdbc:postgresql://db.internal:5432/diego?sslmode=verify-full", t.jdbcUrl(), pw);
            assertEquals(Optional.of("app"), t.user());
            String expected = pw.equals("%41%") ? "A%" : pw; // %XX is decoded; a lone '%' is itself
            assertEquals(Optional.of(expected), t.password(), pw);
            assertFalse(t.toString().contains(pw), t.toString());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JdbcTarget.parse("postgresql://app:p%zz/ w@/db"));
        assertTrue(e.getMessage().contains("names no host"), e.getMessage());
        assertFalse(e.getMessage().contains("zz/ w"), e.getMessage());
    }

    @Test
    void aBadConnectionStringIsAConfigProblemWithoutItsPassword() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> FerryConfig.fromYaml("sink.jdbc: \"postgresql://app:p%zz/ w@/db\"\n", java.util.Map.of()));
        assertTrue(e.getMessage().contains("sink.jdbc = postgresql://****: 'postgresql://****' names no host"),
                e.getMessage());
        assertFalse(e.getMessage().contains("zz/ w"), e.getMessage());
    }

    @Test
    void withoutAPassthroughProviderEveryKafkaValueIsSecret() {
        FerryConfig c = FerryConfig.fromYaml("kafka.ssl.keystore.key: KEY-hunter2\n", java.util.Map.of());
        String described = String.join("\n", c.describe());
        assertTrue(described.contains("kafka.ssl.keystore.key = ****"), described);
    }

    @Test
    void etcdEndpointsMayNotHoldCredentials() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> FerryConfig.fromYaml("etcd.endpoints: \"https://root:p%zz/ w@etcd:2379\"\n", java.util.Map.of()));
        assertTrue(e.getMessage().contains("use etcd.user and etcd.password"), e.getMessage());
        assertFalse(e.getMessage().contains("zz/ w"), e.getMessage());
    }

    @Test
    void anUnknownKeysValueIsNeverShown() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> FerryConfig.fromYaml("etcd.pasword: hunter2-typo\nsink:\n  pasword: hunter3-typo\n", java.util.Map.of()));
        assertTrue(e.getMessage().contains("etcd.pasword: unknown key. Did you mean 'etcd.password'?"), e.getMessage());
        assertTrue(e.getMessage().contains("sink.pasword: unknown key. Did you mean 'sink.password'?"), e.getMessage());
        assertFalse(e.getMessage().contains("typo"), e.getMessage());
        assertTrue(e.problems().stream().allMatch(p -> p.value() == null), e.problems().toString());
    }

    @Test
    void aYamlErrorSaysWhereButQuotesNothing() {
        for (String yaml : List.of("etcd.password: \"hunter2-unterminated\n", "sink:\n  password: 'hunter2\n",
                "etcd.password: [hunter2, \n")) {
            ConfigException e = assertThrows(ConfigException.class, () -> FerryConfig.fromYaml(yaml, java.util.Map.of()), yaml);
            assertTrue(e.getMessage().contains("is not valid YAML at line"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }
    }

    @Test
    void whatOthersPrintIsRedactedOnceTheConfigurationIsLoaded(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("pw"), "fromFile-hunter2\n");
        FerryConfig.fromYaml("""
                sink.jdbc: "jdbc:postgresql://h:5432/db?user=app&password=jdbc%%zz/ w-hunter2&ssl=true"
                sink.password: ${file:%s/pw}
                kafka.sasl.jaas.config: 'ScramLoginModule required username="u" password="jaas-hunter2";'
                """.formatted(dir), java.util.Map.of());
        String driver = "Unable to parse URL jdbc:postgresql://h:5432/db?user=app&password=jdbc%zz/ w-hunter2&ssl=true";
        assertEquals("Unable to parse URL jdbc:postgresql://h:5432/db?user=app&password=****&ssl=true", Secrets.redact(driver));
        assertEquals("login as **** failed", Secrets.redact("login as fromFile-hunter2 failed"));
        assertEquals("encoded: ****", Secrets.redact("encoded: jdbc%25zz%2F%20w-hunter2"));
        assertEquals("jaas: ****", Secrets.redact("jaas: ScramLoginModule required username=\"u\" password=\"jaas-hunter2\";"));
        assertEquals("pw stays", Secrets.redact("pw stays"));
    }
}
