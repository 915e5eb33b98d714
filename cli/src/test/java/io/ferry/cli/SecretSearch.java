package io.ferry.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Searches what {@code ferry} processes left in a directory (their output, logs, reports) for known
 * secrets, in clear, percent-encoded as a URL would carry them, or JSON-escaped as a JSON log line would.
 */
final class SecretSearch {

    private SecretSearch() {
    }

    /**
     * Every secret found in a regular file under {@code root}, but for the files and directories in
     * {@code skip} (the inputs that hold them on purpose); each line names the secret ({@code secrets}'
     * key), the file and the text around it, the secret itself replaced by its name.
     */
    static List<String> in(Path root, Map<String, String> secrets, Collection<Path> skip) throws IOException {
        List<String> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(f -> skip.stream().noneMatch(f::startsWith)).toList();
        }
        for (Path file : files) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1); // bytes as they are
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                for (String form : forms(secret.getValue())) {
                    int at = text.indexOf(form);
                    if (at >= 0) {
                        String context = text.substring(Math.max(0, at - 120), Math.min(text.length(), at + form.length() + 40))
                                .replace(form, "<" + secret.getKey() + ">");
                        found.add(secret.getKey() + " in " + root.relativize(file) + ": ..." + context + "...");
                    }
                }
            }
        }
        return found;
    }

    /** A secret as it is, percent-encoded as a URL would carry it, and JSON-escaped as a JSON log line would. */
    private static List<String> forms(String secret) {
        String utf8 = new String(secret.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        String json = utf8.replace("\\", "\\\\").replace("\"", "\\\"");
        return Stream.of(utf8, encoded, encoded.replace("+", "%20"), json, json.replace("/", "\\/")).distinct().toList();
    }
}
