package io.ferry.cli;

import io.ferry.clients.EtcdGrant;
import io.ferry.testkit.SecuredEtcd;
import io.ferry.testkit.SecuredSqlServer;
import java.util.List;

/**
 * The database users of docs/security.md, made with exactly the grants it lists and no more, on a
 * secured test server: the sink's user (owns its tables; the cutover and rollback run as it too),
 * the rollback path's own user, and a read-only user for {@code ferry reconcile}.
 * {@link #postgresStatements} and {@link #mariadbStatements} are the statements the document
 * shows, and {@code SecurityDocTest} checks that it shows them. {@link #etcdRole} makes an etcd
 * role of {@code EtcdRoles}, whose commands the document shows too.
 */
final class LeastPrivilege {

    static final String SINK = "ferry_sink";
    static final String REVERSE = "ferry_reverse";
    static final String READER = "ferry_reader";
    static final String SINK_PASSWORD = "sinkPw7f3a";
    static final String REVERSE_PASSWORD = "reversePw91c2";
    static final String READER_PASSWORD = "readerPw4d8e";

    private LeastPrivilege() {
    }

    /**
     * PostgreSQL: pairs of where a statement runs ({@code server}: in any database, as a superuser;
     * {@code database}: in {@code database} itself, for its schema) and the statement.
     */
    static List<String[]> postgresStatements(String database, String sinkPassword, String reversePassword,
                                             String readerPassword) {
        return List.of(
                new String[] {"server", "CREATE ROLE " + SINK + " LOGIN PASSWORD '" + sinkPassword + "'"},
                new String[] {"server", "CREATE ROLE " + REVERSE + " LOGIN REPLICATION PASSWORD '" + reversePassword + "'"},
                new String[] {"server", "CREATE ROLE " + READER + " LOGIN PASSWORD '" + readerPassword + "'"},
                new String[] {"server", "REVOKE ALL ON DATABASE " + database + " FROM PUBLIC"},
                new String[] {"server", "GRANT CONNECT, CREATE ON DATABASE " + database + " TO " + SINK},
                new String[] {"server", "GRANT CONNECT ON DATABASE " + database + " TO " + REVERSE + ", " + READER},
                new String[] {"database", "REVOKE ALL ON SCHEMA public FROM PUBLIC"},
                new String[] {"database", "GRANT USAGE, CREATE ON SCHEMA public TO " + SINK},
                new String[] {"database", "GRANT USAGE ON SCHEMA public TO " + REVERSE + ", " + READER},
                new String[] {"database", "ALTER DEFAULT PRIVILEGES FOR ROLE " + SINK + " IN SCHEMA public GRANT SELECT ON TABLES TO "
                        + REVERSE + ", " + READER});
    }

    /** MariaDB and MySQL: statements run by an administrator; {@code host} is where the users connect from. */
    static List<String> mariadbStatements(String database, String host, String sinkPassword, String reversePassword,
                                          String readerPassword) {
        String sink = "'" + SINK + "'@'" + host + "'";
        String reverse = "'" + REVERSE + "'@'" + host + "'";
        String reader = "'" + READER + "'@'" + host + "'";
        return List.of(
                "CREATE USER " + sink + " IDENTIFIED BY '" + sinkPassword + "' REQUIRE SSL",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, CREATE TEMPORARY TABLES ON " + database + ".* TO "
                        + sink,
                "CREATE USER " + reverse + " IDENTIFIED BY '" + reversePassword + "' REQUIRE SSL",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO " + reverse,
                "GRANT SELECT ON " + database + ".* TO " + reverse,
                "CREATE USER " + reader + " IDENTIFIED BY '" + readerPassword + "' REQUIRE SSL",
                "GRANT SELECT ON " + database + ".* TO " + reader);
    }

    /** A role with exactly {@code grants} on a secured etcd. */
    static void etcdRole(SecuredEtcd etcd, String role, List<EtcdGrant> grants) {
        etcd.addRole(role);
        for (EtcdGrant g : grants) {
            etcd.grant(role, g.type(), g.key(), g.rangeEnd(), g.prefix());
        }
    }

    /** Makes the three users of {@code database} on a secured PostgreSQL. */
    static void postgres(SecuredSqlServer pg, String database) {
        for (String[] s : postgresStatements(database, SINK_PASSWORD, REVERSE_PASSWORD, READER_PASSWORD)) {
            pg.execute(s[0].equals("server") ? pg.adminDatabase() : database, s[1]);
        }
    }

    /** Makes the three users of {@code database} on a secured MariaDB. */
    static void mariadb(SecuredSqlServer mariadb, String database) {
        for (String s : mariadbStatements(database, "127.0.0.1", SINK_PASSWORD, REVERSE_PASSWORD, READER_PASSWORD)) {
            mariadb.execute(mariadb.adminDatabase(), s);
        }
    }
}
