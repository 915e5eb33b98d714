package io.ferry.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JdbcTargetTest {

    @Test
    void jdbcUrlsPassThrough() {
        assertEquals(new JdbcTarget(JdbcTarget.Kind.POSTGRES, "jdbc:postgresql://h/db", Optional.empty(), Optional.empty()),
                JdbcTarget.parse("jdbc:postgresql://h/db"));
        assertEquals(JdbcTarget.Kind.SQLITE, JdbcTarget.parse("jdbc:sqlite:ferry.db").kind());
        assertEquals("jdbc:mysql://h:3306/db", JdbcTarget.parse("jdbc:mariadb://h:3306/db").jdbcUrl());
    }

    @Test
    void connectionStringsBecomeJdbcUrlsWithCredentialsTakenOut() {
        JdbcTarget pg = JdbcTarget.parse("postgresql://app%40corp:p%3Ass@db.internal:6432/diego?sslmode=require");
        assertEquals("jdbc:postgresql://db.internal:6432/diego?sslmode=require", pg.jdbcUrl());
        assertEquals(Optional.of("app@corp"), pg.user());
        assertEquals(Optional.of("p:ss"), pg.password());

        JdbcTarget my = JdbcTarget.parse("mysql://root@127.0.0.1/test");
        assertEquals(JdbcTarget.Kind.MYSQL, my.kind());
        assertEquals("jdbc:mysql://127.0.0.1/test", my.jdbcUrl());
        assertEquals(Optional.of("root"), my.user());
        assertEquals(Optional.empty(), my.password());
    }

    @Test
    void explicitUserAndPasswordWinOverTheUrl() {
        FerryConfig c = FerryConfig.fromYaml("""
                sink.jdbc: postgresql://u:p@h/db
                sink.user: ferry
                sink.password: ${PW}
                """, Map.of("PW", "from-env"));
        JdbcTarget t = JdbcTarget.of(c.sink());
        assertEquals(Optional.of("ferry"), t.user());
        assertEquals(Optional.of("from-env"), t.password());
        assertFalse(t.toString().contains("from-env"));
    }

    @Test
    void credentialsInsideAJdbcUrlAreTakenOutAndTheRestStays() {
        JdbcTarget pg = JdbcTarget.parse(
                "jdbc:postgresql://db:5432/app?user=ferry&password=p%26w&sslmode=verify-full&sslrootcert=/etc/ca.pem");
        assertEquals("jdbc:postgresql://db:5432/app?sslmode=verify-full&sslrootcert=/etc/ca.pem", pg.jdbcUrl());
        assertEquals(Optional.of("ferry"), pg.user());
        assertEquals(Optional.of("p&w"), pg.password());
        assertEquals(Map.of("sslmode", "verify-full", "sslrootcert", "/etc/ca.pem"), pg.parameters());

        JdbcTarget my = JdbcTarget.parse("jdbc:mariadb://app:s3cret@db:3306/app?sslMode=VERIFY_IDENTITY&user=other");
        assertEquals("jdbc:mysql://db:3306/app?sslMode=VERIFY_IDENTITY", my.jdbcUrl());
        assertEquals(Optional.of("other"), my.user(), "the parameter comes after the user info, as Connector/J reads it");
        assertEquals(Optional.of("s3cret"), my.password());

        JdbcTarget bare = JdbcTarget.parse("jdbc:postgresql://db/app?user=postgres");
        assertEquals("jdbc:postgresql://db/app", bare.jdbcUrl());
        assertEquals(Optional.of("postgres"), bare.user());
        assertEquals(Optional.empty(), bare.password());
        assertEquals(Map.of(), bare.parameters());
    }

    @Test
    void sinkUserReplacesTheUserInsideTheUrlAndAnotherUserCanTakeOver() {
        FerryConfig c = FerryConfig.fromYaml("sink.jdbc: jdbc:postgresql://h/db?user=u&password=p&sslmode=require\n"
                + "sink.user: ferry\n", Map.of());
        JdbcTarget t = JdbcTarget.of(c.sink());
        assertEquals(Optional.of("ferry"), t.user());
        assertEquals(Optional.of("p"), t.password());
        JdbcTarget other = t.withCredentials(Optional.of("replicator"), Optional.empty());
        assertEquals("jdbc:postgresql://h/db?sslmode=require", other.jdbcUrl());
        assertEquals(Optional.of("replicator"), other.user());
        assertEquals(Optional.empty(), other.password());
    }

    @Test
    void unsupportedUrlsAreRejectedWithoutShowingThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JdbcTarget.parse("oracle://u:secret@h/db"));
        assertTrue(e.getMessage().contains("unsupported database URL"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void identityNamesTheDatabaseWithoutCredentialsOrOptions() {
        assertEquals("postgres://db.internal:6432/diego",
                JdbcTarget.parse("postgresql://app:secret@db.internal:6432/diego?sslmode=require").identity());
        assertEquals("postgres://db.internal:6432/diego",
                JdbcTarget.parse("jdbc:postgresql://DB.internal:6432/diego?user=app&password=secret").identity());
        assertEquals("mysql://h:3306/app", JdbcTarget.parse("jdbc:mysql://root:pw@h:3306/app?sslMode=REQUIRED").identity());
        assertEquals("diego", JdbcTarget.parse("postgresql://h/diego").databaseName());
        JdbcTarget sqlite = JdbcTarget.parse("jdbc:sqlite:data/ferry.db");
        assertTrue(sqlite.identity().startsWith("sqlite:/"), sqlite.identity());
        assertEquals("ferry", sqlite.databaseName());
    }

    @Test
    void theDefaultGroupIsOnePerTopicAndTarget() {
        FerryConfig a = FerryConfig.fromYaml("sink.jdbc: postgresql://u:one@h/app\n", Map.of());
        FerryConfig sameDbOtherPassword = FerryConfig.fromYaml("sink.jdbc: jdbc:postgresql://h/app?password=two\n", Map.of());
        FerryConfig otherTopic = FerryConfig.fromYaml("sink.jdbc: postgresql://u:one@h/app\nkafka.topic: other\n", Map.of());
        FerryConfig otherDb = FerryConfig.fromYaml("sink.jdbc: postgresql://u:one@h/app2\n", Map.of());
        FerryConfig explicit = FerryConfig.fromYaml("sink.jdbc: postgresql://u:one@h/app\nsink.group: mine\n", Map.of());
        assertTrue(a.sink().group().startsWith("ferry-sink.ferry.etcd.changes.postgres.app."), a.sink().group());
        assertEquals(a.sink().group(), sameDbOtherPassword.sink().group());
        assertFalse(a.sink().group().equals(otherTopic.sink().group()));
        assertFalse(a.sink().group().equals(otherDb.sink().group()));
        assertEquals("mine", explicit.sink().group());
        assertFalse(a.sink().group().contains("one"));
    }
}
