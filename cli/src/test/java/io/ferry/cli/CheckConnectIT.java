package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ferry check --connect}, the preflight (issue 23), through the packaged jar against real
 * servers: etcd, a Kafka broker on Apache's defaults, this machine's PostgreSQL. Servers that answer
 * pass; an etcd and a Kafka that do not, a user without privileges on the table and without
 * REPLICATION each fail on their own line, with the fix, and the command exits 2. SecuredEtcdCliIT
 * checks an etcd user without a grant its part needs.
 */
@Timeout(180)
class CheckConnectIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    @RegisterExtension
    static final SqlDatabase PG = SqlDatabase.postgres();

    /** A user that may log in and nothing else; the table belongs to the admin. */
    private static final String NOBODY = "ferry_check_nobody";

    @TempDir
    Path dir;

    @BeforeAll
    static void lockedTableAndAUserWithoutRights() throws Exception {
        try (Connection c = PG.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS check_locked");
            s.execute("CREATE TABLE check_locked (\"key\" bytea PRIMARY KEY, \"version\" bigint)");
            s.execute("DROP ROLE IF EXISTS " + NOBODY);
            s.execute("CREATE ROLE " + NOBODY + " LOGIN");
        }
    }

    @Test
    void serversThatAnswerPassEveryCheck() throws Exception {
        Path config = Files.writeString(dir.resolve("ferry.yaml"), """
                etcd.endpoints: %s
                etcd.prefix: /check/
                kafka.bootstrap: %s
                kafka.topic: check.changes
                sink.jdbc: %s
                sink.table: check_kv
                %s
                """.formatted(ETCD.endpoint(), KAFKA.bootstrapServers(), PG.jdbcUrl(),
                PG.user().isEmpty() ? "" : "sink.user: " + PG.user()));

        Cli.Result r = Cli.run(dir, "check", "-c", config.toString(), "--connect");

        assertEquals(0, r.exit(), r.toString());
        for (String line : new String[] {
            "ok    etcd " + ETCD.endpoint() + ": answers as no user (plaintext (http://)): cluster ",
            "ok    etcd read /check/: 0 keys",
            "ok    etcd history: etcd keeps",
            "ok    Kafka " + KAFKA.bootstrapServers() + ": 1 broker, cluster id ",
            "ok    Kafka topic check.changes: does not exist yet: the watcher creates it",
            "ok    SQL postgres://127.0.0.1:5432/",
            "ok    SQL table check_kv: does not exist yet; ",
            "ok    SQL rollback path: the database streams its changes",
            ", 0 failed."}) {
            assertTrue(r.out().contains(line), "missing '" + line + "' in:\n" + r.out());
        }
        assertFalse(r.out().contains("FAIL"), r.out());
    }

    @Test
    void eachFailureIsOneLineWithTheFixAndTheCheckExitsTwo() throws Exception {
        Path config = Files.writeString(dir.resolve("ferry.yaml"), """
                etcd.endpoints: http://127.0.0.1:1
                etcd.connect.timeout.ms: 1000
                etcd.prefix: /check/
                kafka.bootstrap: 127.0.0.1:1
                kafka.topic: check.changes
                sink.jdbc: %s
                sink.user: %s
                sink.table: check_locked
                """.formatted(PG.jdbcUrl(), NOBODY));

        Cli.Result r = Cli.run(dir, "check", "-c", config.toString(), "--connect");

        assertEquals(2, r.exit(), r.toString());
        for (String line : new String[] {
            "FAIL  etcd http://127.0.0.1:1: cannot reach etcd at [http://127.0.0.1:1] within 1000 ms",
            "FAIL  Kafka 127.0.0.1:1: no answer within 10 s",
            "ok    SQL postgres://127.0.0.1:5432/",
            "FAIL  SQL table check_locked: " + NOBODY + " may not SELECT, INSERT, UPDATE and DELETE: ",
            "Grant SELECT, INSERT, UPDATE and DELETE on check_locked to " + NOBODY,
            "FAIL  SQL rollback path: the rollback path's user " + NOBODY + " may not read PostgreSQL's change stream",
            ", 4 failed."}) {
            assertTrue(r.out().contains(line), "missing '" + line + "' in:\n" + r.out());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
