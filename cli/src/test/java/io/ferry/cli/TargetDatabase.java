package io.ferry.cli;

import io.ferry.testkit.SecuredSqlServer;
import io.ferry.testkit.SqlDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The database a cli test replicates into, seen from both sides: the {@code sink.*} (and
 * {@code reverse.*}) lines that tell Ferry how to reach it, and a connection with every right for
 * the test itself, which writes as an application or an operator would and reads back what Ferry did.
 * Either a fresh database on the shared servers ({@link #of(SqlDatabase)}) or one on a private
 * server that requires TLS and passwords ({@link #secured}).
 */
interface TargetDatabase {

    /** Which kind of database it is. */
    SqlDatabase.Kind kind();

    /** The configuration lines that point Ferry at it. */
    List<String> config();

    /** A connection with every right on the database; the caller closes it. */
    Connection connect() throws SQLException;

    /** A fresh database on the shared servers, reached as the testkit's user. */
    static TargetDatabase of(SqlDatabase db) {
        return new TargetDatabase() {
            @Override
            public SqlDatabase.Kind kind() {
                return db.kind();
            }

            @Override
            public List<String> config() {
                List<String> lines = new ArrayList<>(List.of("sink.jdbc: " + db.jdbcUrl()));
                if (db.user() != null) {
                    lines.add("sink.user: " + db.user());
                    lines.add("sink.password: \"" + (db.password() == null ? "" : db.password()) + "\"");
                }
                return lines;
            }

            @Override
            public Connection connect() throws SQLException {
                return db.connect();
            }
        };
    }

    /**
     * {@code database} on a secured server, which Ferry reaches with {@code config} (the users and
     * grants are the test's to make) and the test as the server's admin.
     */
    static TargetDatabase secured(SecuredSqlServer server, String database, List<String> config) {
        return new TargetDatabase() {
            @Override
            public SqlDatabase.Kind kind() {
                return server.kind();
            }

            @Override
            public List<String> config() {
                return config;
            }

            @Override
            public Connection connect() throws SQLException {
                return server.connectAdmin(database);
            }
        };
    }
}
