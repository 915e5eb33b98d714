package io.ferry.connect;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka Connect section of docs/event-format.md as data: the blocks that follow its
 * {@code <!-- connect-... -->} markers. The tests run what the page says, so the page cannot drift.
 */
final class ConnectDocs {

    static final Path DOC = Path.of(System.getProperty("ferry.project.root", ".."), "docs", "event-format.md");

    private ConnectDocs() {
    }

    static String text() {
        try {
            return Files.readString(DOC);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + DOC.toAbsolutePath(), e);
        }
    }

    /** The fenced block right after {@code <!-- marker -->}. */
    static String block(String marker) {
        Matcher m = Pattern.compile("<!-- " + Pattern.quote(marker) + " -->\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL)
                .matcher(text());
        if (!m.find()) {
            throw new IllegalStateException(DOC + " has no block after <!-- " + marker + " -->");
        }
        return m.group(1);
    }

    /** A properties block, in the order written. */
    static Map<String, String> properties(String marker) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(block(marker)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : block(marker).split("\n")) {
            String key = line.split("=", 2)[0].trim();
            if (!key.isEmpty() && !key.startsWith("#")) {
                out.put(key, p.getProperty(key));
            }
        }
        return out;
    }

    static Map<String, String> worker() {
        return properties("connect-worker");
    }

    static Map<String, String> connector() {
        return properties("connect-connector");
    }

    /** The transform's own settings from the connector block, without the {@code transforms.<alias>.} prefix. */
    static Map<String, String> transformSettings() {
        Map<String, String> connector = connector();
        String prefix = "transforms." + connector.get("transforms") + ".";
        Map<String, String> out = new LinkedHashMap<>();
        connector.forEach((k, v) -> {
            if (k.startsWith(prefix) && !k.equals(prefix + "type")) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
