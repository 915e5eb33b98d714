package io.ferry.cli.demo;

import io.ferry.clients.JdbcConnections;
import io.ferry.core.config.JdbcTarget;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** What the typed tables are for: questions asked in SQL of values that were protobuf and JSON in etcd. */
public final class DemoQueries {

    private static final List<String> QUERIES = List.of(
            "SELECT memory_mb, COUNT(*) AS lrps, SUM(instances) AS instances FROM desired_lrps GROUP BY memory_mb ORDER BY memory_mb",
            "SELECT cell_id, state, COUNT(*) AS instances FROM actual_lrps GROUP BY cell_id, state ORDER BY instances DESC, cell_id LIMIT 5",
            "SELECT state, COUNT(*) AS tasks FROM tasks GROUP BY state ORDER BY state",
            "SELECT table_name, category, COUNT(*) AS kept_raw FROM ferry_decode_failures GROUP BY table_name, category ORDER BY 1, 2");

    private DemoQueries() {
    }

    public static void print(JdbcTarget target, PrintStream out) throws SQLException {
        try (Connection c = JdbcConnections.connect(target)) {
            for (String sql : QUERIES) {
                out.println("      " + sql);
                try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                    int columns = rs.getMetaData().getColumnCount();
                    StringBuilder header = new StringBuilder("        ");
                    for (int i = 1; i <= columns; i++) {
                        header.append(String.format("%-18s", rs.getMetaData().getColumnLabel(i)));
                    }
                    out.println(header.toString().stripTrailing());
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder("        ");
                        for (int i = 1; i <= columns; i++) {
                            row.append(String.format("%-18s", rs.getString(i)));
                        }
                        out.println(row.toString().stripTrailing());
                    }
                }
            }
        }
    }
}
