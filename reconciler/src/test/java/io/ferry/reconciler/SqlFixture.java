package io.ferry.reconciler;

import io.ferry.testkit.SqlDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates the sink's generic table and bookkeeping tables in a test database and writes rows into
 * them directly, standing in for a sink whose output the test then damages on purpose.
 */
final class SqlFixture {

    static final String TABLE = "etcd_kv";
    /** The topic of the offsets the tests write: the reconciler reads this topic's watermarks only. */
    static final String TOPIC = "t";

    private SqlFixture() {
    }

    static void createTables(SqlDatabase db) throws SQLException {
        String bin;
        String blob;
        switch (db.kind()) {
            case POSTGRES -> {
                bin = "bytea";
                blob = "bytea";
            }
            case SQLITE -> {
                bin = "blob";
                blob = "blob";
            }
            default -> {
                bin = "varbinary(3072)";
                blob = "longblob";
            }
        }
        String q = db.kind() == SqlDatabase.Kind.POSTGRES || db.kind() == SqlDatabase.Kind.SQLITE ? "\"" : "`";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + TABLE + " (" + q + "key" + q + " " + bin + " PRIMARY KEY, " + q + "value" + q + " "
                    + blob + " NOT NULL, create_revision bigint NOT NULL, mod_revision bigint NOT NULL, "
                    + "version bigint NOT NULL, lease bigint NOT NULL)");
            s.execute("CREATE TABLE ferry_offsets (topic varchar(255) NOT NULL, partition_id int NOT NULL, "
                    + "next_offset bigint NOT NULL, watermark bigint NOT NULL, PRIMARY KEY (topic, partition_id))");
            s.execute("CREATE TABLE ferry_tombstones (" + q + "key" + q + " " + bin + " PRIMARY KEY, " + q + "revision" + q
                    + " bigint NOT NULL)");
        }
    }

    static void insert(SqlDatabase db, List<Row> rows) throws SQLException {
        String q = db.kind() == SqlDatabase.Kind.POSTGRES || db.kind() == SqlDatabase.Kind.SQLITE ? "\"" : "`";
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (" + q + "key" + q + ", " + q + "value" + q
                    + ", create_revision, mod_revision, version, lease) VALUES (?, ?, ?, ?, ?, ?)")) {
                int n = 0;
                for (Row r : rows) {
                    ps.setBytes(1, r.key());
                    ps.setBytes(2, r.value());
                    ps.setLong(3, r.createRevision());
                    ps.setLong(4, r.modRevision());
                    ps.setLong(5, r.version());
                    ps.setLong(6, r.lease());
                    ps.addBatch();
                    if (++n % 1000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    static void execute(SqlDatabase db, String sql, Object... params) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    static String keyColumn(SqlDatabase db) {
        return db.kind() == SqlDatabase.Kind.POSTGRES || db.kind() == SqlDatabase.Kind.SQLITE ? "\"key\"" : "`key`";
    }

    static String valueColumn(SqlDatabase db) {
        return db.kind() == SqlDatabase.Kind.POSTGRES || db.kind() == SqlDatabase.Kind.SQLITE ? "\"value\"" : "`value`";
    }
}
