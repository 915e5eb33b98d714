package io.ferry.cli;

import io.ferry.clients.KafkaSettings;
import io.ferry.clients.TopicWriters;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.TopicWritersConfig;
import io.ferry.core.event.Checkpoint;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The part of {@code ferry check} that asks Kafka who may write the change and checkpoint topics,
 * and warns about anyone but {@code watcher.kafka.principals}: whoever writes the change topic can
 * change SQL. It never fails the check; what it cannot see, it says.
 */
final class TopicWriterCheck {

    /** A check is quick: Kafka that does not answer within this is reported, not waited for. */
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private TopicWriterCheck() {
    }

    static void print(FerryConfig c, PrintWriter out) {
        if (c.kafka().embedded()) {
            return; // ferry run's own broker, on this machine: no ACLs to look at
        }
        String topic = c.kafka().topic();
        List<String> topics = List.of(topic, Checkpoint.topicFor(topic));
        out.println("Kafka at " + c.kafka().bootstrap() + ": who may write " + String.join(" and ", topics) + ":");
        TopicWriters.Report report;
        try {
            Map<String, Object> settings = KafkaSettings.of(c.kafka()).admin();
            settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) LIMIT.toMillis());
            settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) LIMIT.toMillis());
            try (Admin admin = Admin.create(settings)) {
                report = new TopicWriters(admin, c.kafka().bootstrap(), LIMIT).inspect(topics, TopicWritersConfig.of(c).principals());
            }
        } catch (FerryException | org.apache.kafka.common.KafkaException e) {
            out.println("  NOTE: cannot ask Kafka: " + e.getMessage());
            return;
        }
        report.notes().forEach(n -> out.println("  NOTE: " + n));
        report.warnings().forEach(w -> out.println("  WARNING: " + w));
        if (report.notes().isEmpty() && report.warnings().isEmpty()) {
            List<String> expected = TopicWritersConfig.of(c).principals();
            out.println("  no other principal may write them" + (expected.isEmpty() ? " (set watcher.kafka.principals to "
                    + "name the watcher's, so that this check can tell it from others)" : " than " + String.join(", ", expected)));
        }
    }
}
