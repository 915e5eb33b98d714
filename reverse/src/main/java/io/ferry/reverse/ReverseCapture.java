package io.ferry.reverse;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.ferry.clients.JdbcFailures;
import io.ferry.core.FerryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Opens and closes the database side of the rollback path. The cutover opens it at the switch,
 * before SQL becomes authoritative, so the change stream starts no later than the first write an
 * application makes to SQL: on PostgreSQL a publication of the generic table and a logical
 * replication slot (which from then on keeps every change until the reverse writer confirms it);
 * on MySQL and MariaDB the binlog position, seeded into etcd as the reverse writer's position.
 * {@code ferry rollback} and {@code ferry finish} close it: an abandoned slot keeps WAL forever and
 * fills PostgreSQL's disk.
 */
public final class ReverseCapture {

    private final ReverseTarget target;
    private final String slot;

    public ReverseCapture(ReverseTarget target, String slot) {
        if (!slot.matches("[a-z0-9_]{1,63}")) {
            throw new FerryException("reverse.slot.name '" + slot + "' is not a valid replication slot name: use 1 to 63 "
                    + "lower-case letters, digits and underscores");
        }
        this.target = target;
        this.slot = slot;
    }

    /**
     * Checks, before a cutover freezes anything, that the database can stream its changes: the
     * cutover would otherwise fail at its switch, with writers already stopped.
     */
    public void check() {
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            if (target.source().equals("postgres")) {
                try (ResultSet rs = s.executeQuery("SHOW wal_level")) {
                    String level = rs.next() ? rs.getString(1) : "?";
                    if (!level.equals("logical")) {
                        throw new FerryException(target.describe() + " has wal_level=" + level + ": the rollback path reads "
                                + "SQL's changes by logical decoding, which needs wal_level=logical (ALTER SYSTEM SET wal_level "
                                + "= logical, then restart PostgreSQL). Or cut over with --without-rollback.");
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        throw new FerryException("the rollback path's user " + target.jdbc().user().orElse("?") + " may not "
                                + "read PostgreSQL's change stream: it needs the REPLICATION attribute (ALTER ROLE ... "
                                + "REPLICATION), see docs/security.md. Or cut over with --without-rollback.");
                    }
                }
            } else {
                try (ResultSet rs = s.executeQuery("SELECT @@log_bin, @@binlog_format, @@binlog_row_image")) {
                    rs.next();
                    if (rs.getInt(1) != 1 || !"ROW".equalsIgnoreCase(rs.getString(2)) || !"FULL".equalsIgnoreCase(rs.getString(3))) {
                        throw new FerryException(target.describe() + " has log_bin=" + rs.getString(1) + ", binlog_format="
                                + rs.getString(2) + ", binlog_row_image=" + rs.getString(3) + ": the rollback path reads "
                                + "SQL's changes from a row-based binlog with full images (log_bin, binlog_format=ROW, "
                                + "binlog_row_image=FULL). Or cut over with --without-rollback.");
                    }
                }
                // The capture opens with it at the switch: a user who may not run it should be known before the freeze.
                s.executeQuery("SHOW MASTER STATUS").close();
            }
        } catch (SQLException e) {
            throw new FerryException("checking " + target.describe() + " for the rollback path failed: " + target.why(e), e);
        }
    }

    /**
     * Opens capture and writes the starting position of cutover {@code cutoverId} to {@code positionKey}
     * in etcd. On PostgreSQL the publication is made by the generic table's owner (the sink's user),
     * who alone may publish it, and the slot by the rollback path's user, who reads it.
     */
    public void open(Client etcd, byte[] positionKey, long cutoverId) {
        Map<String, Object> partition = new LinkedHashMap<>(Map.of("server", DebeziumProperties.PREFIX));
        Map<String, Object> offset = new LinkedHashMap<>();
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            if (target.source().equals("postgres")) {
                release(c);
                try (Connection owner = target.connectAsOwner(); Statement o = owner.createStatement()) {
                    o.execute("DROP PUBLICATION IF EXISTS " + slot);
                    o.execute("CREATE PUBLICATION " + slot + " FOR TABLE " + quotedPg(target.qualifiedTable()));
                }
                s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
            } else {
                try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                    if (!rs.next()) {
                        throw new FerryException(target.describe() + " has no binlog: the rollback path reads SQL's changes "
                                + "from it. Start the server with log_bin, binlog_format=ROW and binlog_row_image=FULL "
                                + "(deploy/local/stack.sh prereqs does it for the local stack).");
                    }
                    offset.put("file", rs.getString(1));
                    offset.put("pos", rs.getLong(2));
                    if (!target.source().equals("mariadb") && rs.getMetaData().getColumnCount() >= 5
                            && rs.getString(5) != null && !rs.getString(5).isBlank()) {
                        offset.put("gtids", rs.getString(5)); // MySQL with GTIDs resumes by them
                    }
                }
                if (target.source().equals("mariadb")) {
                    // MariaDB always numbers transactions with GTIDs, and Debezium's MariaDB client resumes by them.
                    try (ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
                        rs.next();
                        offset.put("gtids", rs.getString(1) == null ? "" : rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new FerryException("opening the rollback path's change capture on " + target.describe() + " failed: "
                    + target.why(e) + (target.source().equals("postgres") ? ". It needs wal_level=logical, the sink's user "
                    + "owning the table (it publishes it) and the rollback path's user with REPLICATION"
                    : ". The rollback path's user needs REPLICATION CLIENT (BINLOG MONITOR on MariaDB)"), e);
        }
        ReversePosition seed = ReversePosition.seed(target.source(), partition, offset, cutoverId);
        try {
            etcd.getKVClient().put(ByteSequence.from(positionKey), ByteSequence.from(seed.toJson())).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new FerryException("writing the rollback path's starting position to etcd failed: " + e.getMessage(), e);
        }
    }

    /**
     * Drops the replication slot and the publication, if present (PostgreSQL; nothing to release on
     * MySQL and MariaDB). A slot still in use by a reverse writer is taken from it first: as the
     * rollback path's user, whose walsender it is; the publication as its owner, the sink's user.
     *
     * @return whether a slot was dropped
     */
    public boolean release() {
        if (!target.source().equals("postgres")) {
            return false;
        }
        boolean dropped;
        try (Connection c = target.connect()) {
            dropped = release(c);
        } catch (SQLException e) {
            throw new FerryException("dropping replication slot " + slot + " on " + target.describe() + " failed: "
                    + target.why(e) + ". Drop it by hand (SELECT pg_drop_replication_slot('" + slot + "')): an abandoned "
                    + "slot keeps WAL and fills the disk.", e);
        }
        try (Connection owner = target.connectAsOwner(); Statement s = owner.createStatement()) {
            s.execute("DROP PUBLICATION IF EXISTS " + slot);
        } catch (SQLException e) {
            throw new FerryException("dropping publication " + slot + " on " + target.describe() + " failed: "
                    + JdbcFailures.describe(e, target.owner()) + ". Drop it by hand (DROP PUBLICATION " + slot + ").", e);
        }
        return dropped;
    }

    /**
     * How much WAL the slot keeps PostgreSQL from recycling, in bytes: it grows while the reverse
     * writer is down or behind, and until {@code ferry finish} or {@code ferry rollback} drops the
     * slot. Null on MySQL and MariaDB (the binlog's retention is the server's own setting) and when
     * there is no slot.
     */
    public Long retainedWalBytes() {
        if (!target.source().equals("postgres")) {
            return null;
        }
        try (Connection c = target.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long bytes = rs.getLong(1);
                return rs.wasNull() ? null : bytes;
            }
        } catch (SQLException e) {
            throw new FerryException("reading replication slot " + slot + "'s retained WAL on " + target.describe() + " failed: "
                    + target.why(e), e);
        }
    }

    /** Whether the slot exists (PostgreSQL), for status and tests. */
    public boolean slotExists() {
        if (!target.source().equals("postgres")) {
            return false;
        }
        try (Connection c = target.connect()) {
            return activePid(c) != null;
        } catch (SQLException e) {
            throw new FerryException("reading pg_replication_slots on " + target.describe() + " failed: " + target.why(e), e);
        }
    }

    private boolean release(Connection c) throws SQLException {
        boolean dropped = false;
        for (int attempt = 0; ; attempt++) {
            Long pid = activePid(c);
            if (pid == null) {
                break;
            }
            try (Statement s = c.createStatement()) {
                if (pid > 0) {
                    s.execute("SELECT pg_terminate_backend(" + pid + ")");
                }
                s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                dropped = true;
                break;
            } catch (SQLException e) {
                if (attempt >= 20) {
                    throw e;
                }
                sleep(); // the terminated backend may still hold the slot for a moment
            }
        }
        return dropped;
    }

    /** The pid using the slot, 0 when none, null when there is no such slot. */
    private Long activePid(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(active_pid, 0) FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static String quotedPg(String qualified) {
        int dot = qualified.indexOf('.');
        return "\"" + qualified.substring(0, dot) + "\".\"" + qualified.substring(dot + 1) + "\"";
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException("interrupted while dropping a replication slot");
        }
    }
}
