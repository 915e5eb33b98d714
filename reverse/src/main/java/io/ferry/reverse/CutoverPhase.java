package io.ferry.reverse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Reads the latest cutover from {@code ferry_cutover}, which the sink creates and the cutover writes,
 * as the rollback path's user (who needs {@code SELECT} on it).
 *
 * @param id the cutover's id
 * @param phase its phase, as stored (VERIFYING, FROZEN, SWITCHED, ...)
 */
record CutoverPhase(long id, String phase) {

    static Optional<CutoverPhase> latest(ReverseTarget target, String topic) throws SQLException {
        try (Connection c = target.connect()) {
            try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, "ferry_cutover", null)) {
                if (!rs.next()) {
                    return Optional.empty();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, phase FROM ferry_cutover WHERE topic = ? ORDER BY id DESC")) {
                ps.setMaxRows(1);
                ps.setString(1, topic);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new CutoverPhase(rs.getLong(1), rs.getString(2))) : Optional.empty();
                }
            }
        }
    }

    /** Between a switch and its rollback or finish: the only time SQL's changes go to etcd. */
    boolean bakePeriod() {
        return phase.equals("SWITCHED") || phase.equals("ROLLING_BACK");
    }

    /** A cutover under way, before its switch: the writer looks more often, since the cutover may wait for its probe. */
    boolean underWay() {
        return phase.equals("VERIFYING") || phase.equals("FROZEN");
    }
}
