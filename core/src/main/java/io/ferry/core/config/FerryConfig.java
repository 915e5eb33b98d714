package io.ferry.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration of a Ferry process: one immutable record per component, plus the
 * validated values for keys a component reads directly.
 */
public record FerryConfig(EtcdConfig etcd, KafkaConfig kafka, WatcherConfig watcher, SinkConfig sink, HttpConfig http,
                          ConfigValues values) {

    /** Every key Ferry accepts. Components add theirs to their own config record's {@code KEYS}. */
    public static ConfigDef definition() {
        return new ConfigDef()
                .defineAll(EtcdConfig.KEYS)
                .defineAll(KafkaConfig.KEYS)
                .defineAll(WatcherConfig.KEYS)
                .defineAll(SinkConfig.KEYS)
                .defineAll(HttpConfig.KEYS)
                .defineAll(CutoverConfig.KEYS)
                .defineAll(SigningConfig.KEYS)
                .defineAll(TopicWritersConfig.KEYS)
                .crossCheck(EtcdConfig.CROSS_CHECKED, EtcdConfig::crossCheck);
    }

    public static FerryConfig load(Path file, Map<String, String> env) {
        return of(new ConfigLoader(definition(), env).load(file));
    }

    public static FerryConfig fromYaml(String yaml, Map<String, String> env) {
        return of(new ConfigLoader(definition(), env).loadText(yaml, "(inline)"));
    }

    /** Embedded defaults, optionally overridden by flat dotted keys. */
    public static FerryConfig fromMap(Map<String, Object> flat) {
        return of(new ConfigLoader(definition(), System.getenv()).loadMap(flat, "(overrides)"));
    }

    private static FerryConfig of(ConfigValues v) {
        // Before anything can print them: whatever quotes a secret later (a driver's error, a stack trace) is masked.
        definition().secretValues(v).forEach(Secrets::remember);
        KafkaConfig kafka = KafkaConfig.from(v);
        return new FerryConfig(EtcdConfig.from(v), kafka, WatcherConfig.from(v), SinkConfig.from(v, kafka.topic()),
                HttpConfig.from(v), v);
    }

    /** The same configuration with Kafka at {@code bootstrap}, e.g. the embedded broker just started. */
    public FerryConfig withBootstrap(String bootstrap) {
        return new FerryConfig(etcd, kafka.withBootstrap(bootstrap), watcher, sink, http, values);
    }

    /** The effective configuration, secrets masked, one line per key, for the start-up log. */
    public List<String> describe() {
        return new ArrayList<>(definition().describe(values));
    }
}
