package io.ferry.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM running a Kafka main class from the test class path, with the
 * logging files of {@link KafkaFiles} in {@code dir}: the one for {@link KafkaBroker},
 * {@link KafkaCluster} and {@link SecuredKafka} alike.
 */
final class KafkaJvm {

    private KafkaJvm() {
    }

    static List<String> command(Path dir, String mainClass, String... args) {
        // C1 only: a test broker lives seconds to minutes, and on a shared 2-core machine C2's compiler
        // threads cost more than they win (KafkaBrokerIT went from 72 s to 52 s). Not for benchmarks.
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.xml"),
                "-cp", KafkaFiles.classPath(), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
