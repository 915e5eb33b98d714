package io.ferry.cli.demo;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import io.ferry.core.config.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the demo's logs to a file. The demo tells its story on the terminal; the embedded
 * broker's, the watcher's and the sink's log lines would drown it, yet stay worth keeping.
 */
public final class DemoLog {

    private DemoLog() {
    }

    public static void toFile(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return; // another SLF4J binding: leave its configuration alone
        }
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(ctx);
        pattern.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{20} - %msg%n");
        pattern.setCharset(StandardCharsets.UTF_8);
        pattern.start();
        // The file gets what the terminal would: every line with the configuration's secrets masked.
        EncoderBase<ILoggingEvent> encoder = new EncoderBase<>() {
            @Override
            public byte[] headerBytes() {
                return pattern.headerBytes();
            }

            @Override
            public byte[] encode(ILoggingEvent event) {
                return Secrets.redact(new String(pattern.encode(event), StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] footerBytes() {
                return pattern.footerBytes();
            }
        };
        encoder.setContext(ctx);
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(ctx);
        appender.setName("DEMO-FILE");
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }
}
