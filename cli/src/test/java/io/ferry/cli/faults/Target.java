package io.ferry.cli.faults;

import io.ferry.testkit.SqlDatabase;
import java.nio.file.Path;
import java.util.List;

/**
 * One target database with its configuration file and the sink processes of its consumer group.
 *
 * @param name   short name for logs and the report: "postgres", "mariadb"
 * @param db     the testkit's fresh database
 * @param config the ferry.yaml for this target
 * @param sinks  the sink processes of this target's group
 */
record Target(String name, SqlDatabase db, Path config, List<FerryProcess> sinks) {

    /** The consumer group of a target's sinks, as {@link Deployment} configures it. */
    static String groupOf(String name) {
        return "faults-" + name;
    }

    /** This target's consumer group. */
    String group() {
        return groupOf(name);
    }

    /** The key column, quoted for this database ({@code key} is reserved in MySQL). */
    String keyColumn() {
        return db.kind() == SqlDatabase.Kind.POSTGRES ? "\"key\"" : "`key`";
    }
}
