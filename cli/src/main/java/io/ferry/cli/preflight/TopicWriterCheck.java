package io.ferry.cli.preflight;

import io.ferry.clients.TopicWriters;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.TopicWritersConfig;
import io.ferry.core.event.Checkpoint;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;

/**
 * Asks Kafka who may write the change and checkpoint topics, and warns about anyone but
 * {@code watcher.kafka.principals}: whoever writes the change topic can change SQL. It never fails a
 * check; what it cannot see, it says.
 */
public final class TopicWriterCheck {

    private TopicWriterCheck() {
    }

    /** {@code ferry check} without {@code --connect}: the same findings, under a heading. */
    public static void print(FerryConfig c, PrintWriter out) {
        if (c.kafka().embedded()) {
            return; // ferry run's own broker, on this machine: no ACLs to look at
        }
        out.println("Kafka at " + c.kafka().bootstrap() + ": who may write " + String.join(" and ", topics(c)) + ":");
        try (Admin admin = KafkaPreflight.admin(c)) {
            findings(c, admin).forEach(f -> out.println("  " + switch (f.mark()) {
                case WARN, FAIL -> "WARNING: ";
                case NOTE -> "NOTE: ";
                case OK -> "";
            } + f.text()));
        }
    }

    static List<Finding> findings(FerryConfig c, Admin admin) {
        String subject = "Kafka writers of " + c.kafka().topic();
        List<Finding> out = new ArrayList<>();
        TopicWriters.Report report;
        try {
            report = new TopicWriters(admin, c.kafka().bootstrap(), KafkaPreflight.LIMIT).inspect(topics(c),
                    TopicWritersConfig.of(c).principals());
        } catch (FerryException | org.apache.kafka.common.KafkaException e) {
            return List.of(new Finding(Finding.Mark.NOTE, subject, "cannot ask Kafka: " + e.getMessage()));
        }
        report.notes().forEach(n -> out.add(new Finding(Finding.Mark.NOTE, subject, n)));
        report.warnings().forEach(w -> out.add(Finding.warn(subject, w)));
        if (out.isEmpty()) {
            List<String> expected = TopicWritersConfig.of(c).principals();
            out.add(Finding.ok(subject, "no other principal may write them" + (expected.isEmpty() ? " (set "
                    + "watcher.kafka.principals to name the watcher's, so that this check can tell it from others)"
                    : " than " + String.join(", ", expected))));
        }
        return out;
    }

    private static List<String> topics(FerryConfig c) {
        return List.of(c.kafka().topic(), Checkpoint.topicFor(c.kafka().topic()));
    }
}
