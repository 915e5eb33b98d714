package io.ferry.core.config;

import java.util.List;

/**
 * Who may write Ferry's change and checkpoint topics. Whoever can write the change topic can change
 * SQL, so only the watcher's Kafka principal should (and {@code ferry reconcile --repair}, which runs
 * with the watcher's principal); {@code ferry check} compares the broker's ACLs with this list.
 *
 * @param principals the principals that are meant to write, such as {@code User:ferry-watcher}; empty
 *     when not configured, in which case only wildcard principals are warned about
 */
public record TopicWritersConfig(List<String> principals) {

    public static final ConfigKey<List<String>> PRINCIPALS =
            ConfigKey.builder("watcher.kafka.principals", ConfigType.STRING_LIST)
                    .doc("The Kafka principals meant to write the change and checkpoint topics, such as "
                            + "User:ferry-watcher: the watcher's, which ferry reconcile --repair uses too. ferry check "
                            + "reads the broker's ACLs (where its principal may describe them) and warns about every "
                            + "other principal that may write these topics, and always about a wildcard one.")
                    .validator(Validator.that(list -> list.stream().allMatch(p -> p.matches("[A-Za-z][A-Za-z0-9]*:.+")),
                            "each must be a Kafka principal of the form Type:name, such as User:ferry-watcher"))
                    .build();

    public static final List<ConfigKey<?>> KEYS = List.of(PRINCIPALS);

    public TopicWritersConfig {
        principals = List.copyOf(principals);
    }

    public static TopicWritersConfig of(FerryConfig c) {
        List<String> p = c.values().get(PRINCIPALS);
        return new TopicWritersConfig(p == null ? List.of() : p);
    }
}
