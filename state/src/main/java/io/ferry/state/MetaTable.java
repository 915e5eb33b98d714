package io.ferry.state;

import io.ferry.core.config.JdbcTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The statements on {@code ferry_meta}: small named numbers the sink records for others to read,
 * such as the tombstone horizon. Every method works in the caller's connection and transaction.
 */
public final class MetaTable {

    private final StateSql sql;

    public MetaTable(JdbcTarget.Kind kind) {
        this.sql = new StateSql(kind);
    }

    /** The value of {@code name}; -1 when it was never written. */
    public long read(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sql.quote("value") + " FROM "
                + sql.quote(StateTables.META) + " WHERE " + sql.quote("name") + " = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Long.parseLong(rs.getString(1)) : -1;
            }
        }
    }

    /** Sets {@code name} to {@code value}, whatever it was. */
    public void write(Connection c, String name, long value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(Upsert.into(sql, StateTables.META).values(2).key("name")
                .update(List.of("value")).sql())) {
            ps.setString(1, name);
            ps.setString(2, Long.toString(value));
            ps.executeUpdate();
        }
    }
}
