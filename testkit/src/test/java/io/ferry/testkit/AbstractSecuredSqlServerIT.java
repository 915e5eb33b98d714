package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a secured SQL server must refuse and accept, written once and run per database: no TLS, a
 * wrong password or an unverifiable server is refused; verified TLS with the right password works,
 * and a least-privilege user can do what it was granted and nothing else.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // the subclasses' own, for a subclass that forgets one
abstract class AbstractSecuredSqlServerIT {

    abstract SecuredSqlServer server();

    /** A URL of the admin database on {@code server} that does not use TLS at all. */
    abstract String plaintextUrl(SecuredSqlServer server);

    /** A URL of the admin database on {@code server} that trusts only the unknown CA. */
    abstract String unknownCaUrl(SecuredSqlServer server);

    /** The words in the server's refusal of a connection without TLS. */
    abstract String plaintextRefusal();

    /** The words in the driver's refusal of a server certificate it cannot chain to a trusted CA. */
    abstract String untrustedRefusal();

    /** The words in the server's refusal of a wrong password. */
    abstract String wrongPasswordRefusal();

    /** A query whose one text value is the TLS protocol version of this session. */
    abstract String tlsVersionQuery();

    /** A query whose one text value sums up the change-capture settings, and what it must be. */
    abstract String[] changeCaptureQueryAndExpected();

    /** The words in the driver's refusal of a server certificate that does not name 127.0.0.1. */
    abstract String hostNameRefusal();

    /** A second server of the same kind presenting a certificate for another host name. */
    abstract SecuredSqlServer wrongNameServer();

    @Test
    void verifiedTlsWithTheRightPasswordIsAccepted() throws Exception {
        try (Connection c = server().connectAdmin(server().adminDatabase())) {
            assertTrue(queryText(c, tlsVersionQuery()).startsWith("TLSv1."), queryText(c, tlsVersionQuery()));
        }
    }

    @Test
    void connectionWithoutTlsIsRefusedEvenWithTheRightPassword() throws Exception {
        SQLException refused = assertThrows(SQLException.class,
                () -> open(plaintextUrl(server()), server().adminUser(), server().adminPassword()));
        assertTrue(causes(refused).contains(plaintextRefusal()), causes(refused));
        // The same password over TLS gets in, so the refusal was for the transport.
        try (Connection c = server().connectAdmin(server().adminDatabase())) {
            assertTrue(c.isValid(5));
        }
    }

    @Test
    void wrongPasswordIsRefused() {
        SQLException refused = assertThrows(SQLException.class,
                () -> server().connect(server().adminDatabase(), server().adminUser(), "not-the-password"));
        assertTrue(causes(refused).contains(wrongPasswordRefusal()), causes(refused));
    }

    @Test
    void serverCertificateFromAnUnknownCaIsRefusedByTheClient() {
        SQLException refused = assertThrows(SQLException.class,
                () -> open(unknownCaUrl(server()), server().adminUser(), server().adminPassword()));
        assertTrue(causes(refused).contains(untrustedRefusal()), causes(refused));
    }

    @Test
    void leastPrivilegeUserWorksInItsDatabaseAndIsDeniedElsewhere() throws Exception {
        server().createDatabase("kit_app");
        server().createDatabase("kit_other");
        server().createUser("kit_sink", "sink-secret");
        server().grantAll("kit_app", "kit_sink");

        try (Connection c = server().connect("kit_app", "kit_sink", "sink-secret"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kit_rows (id int PRIMARY KEY, v varchar(20))");
            s.execute("INSERT INTO kit_rows (id, v) VALUES (1, 'granted')");
        }
        try (Connection c = server().connectAdmin("kit_app")) {
            assertEquals("granted", queryText(c, "SELECT v FROM kit_rows WHERE id = 1"));
        }
        SQLException denied = assertThrows(SQLException.class, () -> {
            try (Connection c = server().connect("kit_other", "kit_sink", "sink-secret"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kit_rows (id int PRIMARY KEY)");
            }
        });
        assertTrue(causes(denied).contains("denied"), causes(denied));
    }

    @Test
    void changeCaptureForTheRollbackPathIsOn() throws Exception {
        String[] check = changeCaptureQueryAndExpected();
        try (Connection c = server().connectAdmin(server().adminDatabase())) {
            assertEquals(check[1], queryText(c, check[0]));
        }
    }

    @Test
    void committedRowsSurviveARestart() throws Exception {
        server().createDatabase("kit_restart");
        try (Connection c = server().connectAdmin("kit_restart"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kit_kept (id int PRIMARY KEY)");
            s.execute("INSERT INTO kit_kept (id) VALUES (42)");
        }

        server().restart();

        try (Connection c = server().connectAdmin("kit_restart")) {
            assertEquals("42", queryText(c, "SELECT id FROM kit_kept"));
        }
    }

    @Test
    void serverWithAWrongNameIsRefusedByHostNameVerification() throws Exception {
        try (SecuredSqlServer wrongName = wrongNameServer()) {
            wrongName.start();
            try (Connection chainOnly = wrongName.connectAdmin(wrongName.adminDatabase())) {
                assertTrue(chainOnly.isValid(5));
            }

            SQLException refused = assertThrows(SQLException.class,
                    () -> wrongName.connect(wrongName.adminDatabase(), wrongName.adminUser(), wrongName.adminPassword()));
            assertTrue(causes(refused).contains(hostNameRefusal()), causes(refused));
        }
    }

    static Connection open(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(url, p);
    }

    static String queryText(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(rs.getMetaData().getColumnCount());
        }
    }

    static String causes(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
