package io.ferry.clients;

import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The one place where Ferry's JDBC connections are described and opened: which database and user
 * ({@link #sink}, {@link #rollbackPath}), and the driver settings every connection to it carries
 * (the URL with its TLS parameters, the user and password, and a component's tuning). The sink's
 * pool, {@code ferry reconcile}, the cutover and rollback, and the rollback path all start from
 * here, and the rollback path's Debezium connector from the same {@link JdbcTarget}
 * ({@link DebeziumSettings}), so that no path can drop a credential or a TLS setting.
 */
public final class JdbcConnections {

    private JdbcConnections() {
    }

    /** The sink's database: {@code sink.jdbc} with {@code sink.user} and {@code sink.password} when set. */
    public static JdbcTarget sink(FerryConfig config) {
        return JdbcTarget.of(config.sink());
    }

    /**
     * The database as the rollback path reaches it: the sink's URL, with its TLS settings, as
     * {@code reverse.user} with {@code reverse.password} when {@code reverse.user} is set, else with
     * the sink's credentials, in whichever form {@code sink.jdbc} gives them.
     *
     * @throws FerryException when {@code reverse.password} is set without {@code reverse.user}
     */
    public static JdbcTarget rollbackPath(FerryConfig config) {
        JdbcTarget sink = sink(config);
        Optional<String> user = Optional.ofNullable(config.values().get(CutoverConfig.REVERSE_USER));
        Optional<String> password = Optional.ofNullable(config.values().get(CutoverConfig.REVERSE_PASSWORD));
        if (user.isEmpty()) {
            if (password.isPresent()) {
                throw new FerryException("reverse.password is set but reverse.user is not: set both (the rollback path's own "
                        + "user) or neither (the rollback path then uses the sink's user)");
            }
            return sink;
        }
        return sink.withCredentials(user, password);
    }

    /** The driver properties of a connection to {@code target}: its user and password. */
    public static Properties properties(JdbcTarget target) {
        return properties(target, Map.of());
    }

    /**
     * The driver properties of a connection to {@code target}: a component's {@code tuning} (the
     * sink's batch rewriting, SQLite's journal mode), then the target's user and password, which
     * tuning cannot replace. TLS settings stay in the URL, where the operator wrote them.
     */
    public static Properties properties(JdbcTarget target, Map<String, String> tuning) {
        Properties props = new Properties();
        tuning.forEach(props::setProperty);
        target.user().ifPresent(u -> props.setProperty("user", u));
        target.password().ifPresent(p -> props.setProperty("password", p));
        return props;
    }

    /** A new connection to {@code target}; the caller closes it. */
    public static Connection connect(JdbcTarget target) throws SQLException {
        return connect(target, Map.of());
    }

    /** A new connection to {@code target} with a component's driver {@code tuning}; the caller closes it. */
    public static Connection connect(JdbcTarget target, Map<String, String> tuning) throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(), properties(target, tuning));
    }
}
