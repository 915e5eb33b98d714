package io.ferry.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of {@link ToDebezium}, declared once with their defaults and docs in Kafka's
 * {@link ConfigDef}, as every Connect plugin declares them. Connect prefixes each key with
 * {@code transforms.<alias>.} in the connector's configuration.
 *
 * @param logicalName Debezium's logical name: {@code source.name} and the first part of the schema names
 * @param tableName {@code source.table} and the second part of the schema names
 * @param epochField the name of the row field that carries the snapshot epoch, or empty for none
 */
record ToDebeziumConfig(String logicalName, String tableName, String epochField) {

    static final String LOGICAL_NAME = "logical.name";
    static final String TABLE_NAME = "table.name";
    static final String ROW_EPOCH_FIELD = "row.epoch.field";

    /** The columns of Ferry's generic table, which a row always has; the epoch field must not take one of their names. */
    static final Set<String> ROW_FIELDS = Set.of("key", "value", "create_revision", "mod_revision", "version", "lease");

    /**
     * Keys Connect itself puts beside a transform's own under {@code transforms.<alias>.}: the class,
     * the plugin version (Kafka 4.1, KIP-891) and the predicate. Any other key is a typo.
     */
    private static final Set<String> CONNECT_KEYS = Set.of("type", "version", "predicate", "negate");

    /** A name Avro and every other schema registry format accepts as one part of a full name. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    static final ConfigDef DEF = new ConfigDef()
            .define(LOGICAL_NAME, ConfigDef.Type.STRING, "ferry", ConfigDef.Importance.MEDIUM,
                    "Debezium's logical name of the source (its topic.prefix): written to source.name and used as "
                            + "the first part of the schema names <logical.name>.<table.name>.Key, .Value and .Envelope. "
                            + "Parts separated by dots, each a letter or underscore followed by letters, digits or underscores.")
            .define(TABLE_NAME, ConfigDef.Type.STRING, "etcd_kv", ConfigDef.Importance.MEDIUM,
                    "Written to source.table and used as the second part of the schema names. The JDBC sink's "
                            + "collection.name.format decides the table actually written.")
            .define(ROW_EPOCH_FIELD, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                    "When set, the 'after' row gets one more field of this name holding the snapshot epoch of the "
                            + "event (an optional int64). After a re-snapshot, rows whose epoch is below the new one are "
                            + "keys etcd deleted while the watcher could not see them; see docs/event-format.md. Empty: no such field.");

    /** Parses and validates the connector's settings; every problem is reported in one exception. */
    static ToDebeziumConfig from(Map<String, ?> props) {
        AbstractConfig parsed = new AbstractConfig(DEF, props, false);
        String logicalName = parsed.getString(LOGICAL_NAME).trim();
        String tableName = parsed.getString(TABLE_NAME).trim();
        String epochField = parsed.getString(ROW_EPOCH_FIELD).trim();
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(props.keySet())) {
            if (!DEF.names().contains(key) && !CONNECT_KEYS.contains(key)) {
                // A mistyped row.epoch.field would silently lose the column that removes a compaction gap's keys.
                problems.add(key + ": unknown setting; the transform takes " + new TreeSet<>(DEF.names()));
            }
        }
        if (logicalName.isEmpty() || !List.of(logicalName.split("\\.", -1)).stream().allMatch(p -> NAME.matcher(p).matches())) {
            problems.add(LOGICAL_NAME + "='" + logicalName + "': expected dot-separated names, each matching " + NAME);
        }
        if (!NAME.matcher(tableName).matches()) {
            problems.add(TABLE_NAME + "='" + tableName + "': expected a name matching " + NAME);
        }
        if (!epochField.isEmpty() && !NAME.matcher(epochField).matches()) {
            problems.add(ROW_EPOCH_FIELD + "='" + epochField + "': expected empty or a name matching " + NAME);
        } else if (ROW_FIELDS.contains(epochField)) {
            problems.add(ROW_EPOCH_FIELD + "='" + epochField + "': the row already has a field of that name; choose another, e.g. 'epoch'");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("Invalid configuration of the Ferry to Debezium transform:\n  - "
                    + String.join("\n  - ", problems));
        }
        return new ToDebeziumConfig(logicalName, tableName, epochField);
    }

    /** The prefix of every schema name, as Debezium's {@code <topic.prefix>.<schema>.<table>}. */
    String schemaNamePrefix() {
        return logicalName + "." + tableName;
    }

    boolean hasEpochField() {
        return !epochField.isEmpty();
    }
}
