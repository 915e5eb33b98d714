package io.ferry.cutover;

import io.ferry.clients.JdbcConnections;
import io.ferry.clients.JdbcFailures;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.Secrets;
import io.ferry.sink.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Writes one row into the generic table the way an application would after the switch, so that
 * its arrival in etcd proves that the reverse stream has delivered every SQL change committed
 * before it (the stream is in commit order): the rollback's fence, and the cutover's probe. The
 * revision columns are etcd's to fill; the rollback aligns them afterwards.
 */
public final class SqlFence {

    private final JdbcTarget target;
    private final String table;
    private final SqlDialect dialect;

    public SqlFence(JdbcTarget target, String table, SqlDialect dialect) {
        this.target = target;
        this.table = table;
        this.dialect = dialect;
    }

    /** The fence in the generic table of the deployment {@code c} describes. */
    public static SqlFence of(FerryConfig c) {
        JdbcTarget target = JdbcConnections.sink(c);
        return new SqlFence(target, c.sink().table(), SqlDialect.of(target.kind()));
    }

    /** Deletes the row of {@code key}, as an application would; nothing when there is none. */
    void remove(byte[] key) {
        try (Connection c = JdbcConnections.connect(target); PreparedStatement delete = c.prepareStatement("DELETE FROM "
                + dialect.quote(table) + " WHERE " + dialect.quote("key") + " = ?")) {
            delete.setBytes(1, key);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new FerryException("deleting the row " + new String(key, java.nio.charset.StandardCharsets.UTF_8) + " from "
                    + table + " at " + Secrets.maskUrl(target.jdbcUrl()) + " failed: " + JdbcFailures.describe(e, target), e);
        }
    }

    void write(byte[] key, byte[] value) {
        write(key, value, new long[] {0, 0, 0, 0});
    }

    /** Writes the row as etcd holds it, {@code revisions} being create_revision, mod_revision, version and lease. */
    void restore(byte[] key, byte[] value, long[] revisions) {
        write(key, value, revisions);
    }

    private void write(byte[] key, byte[] value, long[] revisions) {
        try (Connection c = JdbcConnections.connect(target)) {
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + dialect.quote(table) + " WHERE "
                    + dialect.quote("key") + " = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO " + dialect.quote(table) + " ("
                         + dialect.quote("key") + ", " + dialect.quote("value") + ", " + dialect.quote("create_revision") + ", "
                         + dialect.quote("mod_revision") + ", " + dialect.quote("version") + ", " + dialect.quote("lease")
                         + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                delete.setBytes(1, key);
                delete.executeUpdate();
                insert.setBytes(1, key);
                insert.setBytes(2, value);
                for (int i = 0; i < 4; i++) {
                    insert.setLong(3 + i, revisions[i]);
                }
                insert.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            throw new FerryException("writing the fence row " + new String(key, java.nio.charset.StandardCharsets.UTF_8)
                    + " into " + table + " at " + Secrets.maskUrl(target.jdbcUrl()) + " failed: " + JdbcFailures.describe(e, target), e);
        }
    }
}
