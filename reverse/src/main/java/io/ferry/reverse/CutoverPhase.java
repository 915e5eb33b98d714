package io.ferry.reverse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Reads the latest cutover's phase from {@code ferry_cutover}, which the sink creates and the cutover writes. */
final class CutoverPhase {

    private CutoverPhase() {
    }

    static Optional<String> latest(ReverseTarget target, String topic) throws SQLException {
        try (Connection c = target.connect()) {
            try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, "ferry_cutover", null)) {
                if (!rs.next()) {
                    return Optional.empty();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT phase FROM ferry_cutover WHERE topic = ? ORDER BY id DESC")) {
                ps.setMaxRows(1);
                ps.setString(1, topic);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        }
    }
}
