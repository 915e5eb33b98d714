package io.ferry.bench;

import io.ferry.testkit.SqlDatabase;

/** The configuration file a scenario gives the packaged {@code ferry} command: one prefix, one topic, one database. */
final class FerryYaml {

    private FerryYaml() {
    }

    static String of(Stack stack, String prefix, String topic, SqlDatabase db) {
        StringBuilder y = new StringBuilder();
        y.append("etcd.endpoints: ").append(stack.etcd.endpoint()).append('\n');
        y.append("etcd.prefix: ").append(prefix).append('\n');
        y.append("kafka.bootstrap: ").append(stack.kafka.bootstrapServers()).append('\n');
        y.append("kafka.topic: ").append(topic).append('\n');
        y.append("watcher.ha.enabled: false\n");
        y.append("http.enabled: false\n");
        // The fail-fast start-up check gives etcd 10 s by default; on this shared machine under other
        // sessions' load a cold JVM took longer than that, and the scenarios measure other things.
        y.append("etcd.connect.timeout.ms: 60000\n");
        y.append("sink.jdbc: \"").append(db.jdbcUrl()).append("\"\n");
        if (!db.user().isEmpty()) {
            y.append("sink.user: ").append(db.user()).append('\n');
        }
        if (!db.password().isEmpty()) {
            y.append("sink.password: \"").append(db.password()).append("\"\n");
        }
        FerryPipeline.experimentSettings().forEach((k, v) -> y.append(k).append(": \"").append(v).append("\"\n"));
        return y.toString();
    }
}
