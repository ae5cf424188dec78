package dev.chorus.app;

import java.io.IOException;
import java.io.InputStream;
import dev.chorus.server.LogFormats;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** Sets up java.util.logging (the backend of System.Logger) for a command-line program: warnings on stderr. */
final class Logging {

    private Logging() {
    }

    /** Held here so the configured level is not lost when the logger would otherwise be collected. */
    private static final Logger ACCESS = Logger.getLogger("dev.chorus.access");

    /** Content-safety decisions, when no audit file is set: always recorded, whatever the general level. */
    private static final Logger SAFETY_AUDIT = Logger.getLogger("dev.chorus.safety.audit");

    /**
     * Sets the format of every console handler ({@code json} or {@code text}) and turns the access log on or off;
     * skipped when a logging configuration file is given.
     */
    static void apply(String format, boolean accessLog) {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        Formatter formatter = LogFormats.forName(format);
        for (Handler h : Logger.getLogger("").getHandlers()) {
            h.setFormatter(formatter);
        }
        ACCESS.setLevel(accessLog ? Level.INFO : Level.OFF);
        SAFETY_AUDIT.setLevel(Level.INFO);
    }

    /**
     * Points every console handler at {@code err} instead of the standard error it was made with (see
     * {@link NativeStderr}); returns false, changing nothing, when a logging configuration file is in charge.
     */
    static boolean canRetarget() {
        return System.getProperty("java.util.logging.config.file") == null;
    }

    static void retarget(java.io.PrintStream err) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            if (!(h instanceof AsyncLogHandler)) {
                continue;
            }
            Handler to = console(err, h.getFormatter());
            root.addHandler(new AsyncLogHandler(to));
            root.removeHandler(h);
            h.close();
        }
    }

    /**
     * A handler like the console's on {@code err}, except that it does not flush after each record (the
     * {@link AsyncLogHandler} flushes once per batch, in one write of up to 64 KiB), that it encodes each line in
     * one step (UTF-8) rather than through a character writer, and that closing it (the log manager resets every
     * handler at exit) only flushes: the stream is standard error, which shutdown messages still need.
     */
    private static Handler console(java.io.PrintStream err, Formatter f) {
        Handler to = new ConsoleBytes(new java.io.BufferedOutputStream(err, 1 << 16));
        to.setFormatter(f);
        to.setLevel(Level.ALL);
        return to;
    }

    /** The console handler of {@link #console}: formatted lines as UTF-8 bytes into a buffered stream. */
    private static final class ConsoleBytes extends Handler {
        private final java.io.OutputStream out;

        ConsoleBytes(java.io.OutputStream out) {
            this.out = out;
        }

        @Override
        public void publish(LogRecord r) {
            if (!isLoggable(r)) {
                return;
            }
            byte[] line;
            try {
                line = getFormatter().format(r).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                reportError(null, e, java.util.logging.ErrorManager.FORMAT_FAILURE);
                return;
            }
            synchronized (this) {
                try {
                    out.write(line);
                } catch (IOException e) {
                    reportError(null, e, java.util.logging.ErrorManager.WRITE_FAILURE);
                }
            }
        }

        @Override
        public synchronized void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                reportError(null, e, java.util.logging.ErrorManager.FLUSH_FAILURE);
            }
        }

        @Override
        public void close() {
            flush();
        }
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
        // Console writes move off the calling threads (request threads write the access log).
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
            // A console handler writes each record through at once; this one leaves that to the writer's batches.
            Handler to = h instanceof java.util.logging.ConsoleHandler ? console(System.err, h.getFormatter()) : h;
            root.addHandler(new AsyncLogHandler(to));
        }
        String format = System.getenv("CHORUS_LOG_FORMAT");
        if ("json".equals(format) || "text".equals(format)) {
            Formatter f = LogFormats.forName(format);
            for (Handler h : Logger.getLogger("").getHandlers()) {
                h.setFormatter(f);
            }
        }
    }
}
