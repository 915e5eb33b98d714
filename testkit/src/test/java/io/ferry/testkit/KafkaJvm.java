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

    /** The JVM options a broker runs with. */
    enum Tuning {
        /**
         * C1 only: a test broker lives seconds to minutes, and on a shared 2-core machine C2's compiler
         * threads cost more than they win (KafkaBrokerIT went from 72 s to 52 s). Not for benchmarks.
         */
        TEST("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
        /**
         * What Apache's {@code bin/kafka-server-start.sh} gives a broker ({@code KAFKA_HEAP_OPTS} and
         * {@code KAFKA_JVM_PERFORMANCE_OPTS} of Kafka 4.1): a 1 GiB heap, G1 and both JIT compilers, as
         * users run it. For benchmarks, where the broker's CPU per change is part of what is measured.
         */
        APACHE_START_SCRIPT("-Xms1g", "-Xmx1g", "-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent");

        private final List<String> options;

        Tuning(String... options) {
            this.options = List.of(options);
        }
    }

    static List<String> command(Path dir, String mainClass, String... args) {
        return command(Tuning.TEST, dir, mainClass, args);
    }

    static List<String> command(Tuning tuning, Path dir, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(tuning.options);
        cmd.addAll(List.of("-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.xml"),
                "-cp", KafkaFiles.classPath(), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
