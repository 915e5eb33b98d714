package io.ferry.core.config;

import io.ferry.core.FerryException;
import java.util.List;

/** A configuration with one or more problems; the message lists every one of them. */
public final class ConfigException extends FerryException {

    private final transient List<ConfigProblem> problems;

    public ConfigException(String source, List<ConfigProblem> problems) {
        super(format(source, problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(String source, List<ConfigProblem> problems) {
        StringBuilder sb = new StringBuilder("invalid configuration in ").append(source).append(": ")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
        for (ConfigProblem p : problems) {
            sb.append(System.lineSeparator()).append("  - ").append(p);
        }
        sb.append(System.lineSeparator()).append("See docs/configuration.md for every key, its type and default.");
        return sb.toString();
    }
}
