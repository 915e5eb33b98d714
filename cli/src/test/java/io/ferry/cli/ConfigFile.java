package io.ferry.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Writes a Ferry configuration as YAML, every value single-quoted, for the {@code ferry} command. */
final class ConfigFile {

    private ConfigFile() {
    }

    static Path write(Path file, Map<String, Object> settings) throws IOException {
        StringBuilder yaml = new StringBuilder();
        new TreeMap<>(settings).forEach((k, v) -> yaml.append(k).append(": '")
                .append(String.valueOf(v).replace("'", "''")).append("'\n"));
        return Files.writeString(file, yaml);
    }

    /** A Kafka client's properties as Ferry's {@code kafka.*} pass-through keys, less the bootstrap (kafka.bootstrap). */
    static Map<String, Object> kafkaKeys(Properties client) {
        Map<String, Object> out = new TreeMap<>();
        client.forEach((k, v) -> {
            if (k.equals("bootstrap.servers")) {
                out.put("kafka.bootstrap", v);
            } else {
                out.put("kafka." + k, v);
            }
        });
        return out;
    }
}
