package dev.chorus.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;

/** Sets up java.util.logging (the backend of System.Logger) for a command-line program: warnings on stderr. */
final class Logging {

    private Logging() {
    }

    static void configure() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        String level = System.getenv().getOrDefault("CHORUS_LOG_LEVEL", "WARNING");
        String props = """
                handlers=java.util.logging.ConsoleHandler
                .level=%s
                java.util.logging.ConsoleHandler.level=ALL
                java.util.logging.SimpleFormatter.format=%%1$tT %%4$s %%3$s: %%5$s%%6$s%%n
                """.formatted(level);
        try (InputStream in = new java.io.ByteArrayInputStream(props.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            LogManager.getLogManager().readConfiguration(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
