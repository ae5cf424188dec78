package dev.chorus.service.safety;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one JSON line per content-safety decision: to a file of its own when one is configured, otherwise to
 * the {@code dev.chorus.safety.audit} logger at INFO. Lines are written whole and flushed one at a time, so a
 * tail of the file never sees half a line.
 */
final class SafetyAudit implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.chorus.safety.audit");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter file;
    private final Path path;

    private SafetyAudit(Path path, BufferedWriter file) {
        this.path = path;
        this.file = file;
    }

    /** Opens the audit sink: {@code path} in append mode (created with its folders), or the logger when null. */
    static SafetyAudit open(Path path) {
        if (path == null) {
            return new SafetyAudit(null, null);
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new SafetyAudit(path, Files.newBufferedWriter(path, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new IllegalArgumentException("safety.audit-log: cannot open " + path + " for appending (" + e
                    + ")");
        }
    }

    /** Returns a fresh line to fill in. */
    static ObjectNode line() {
        return JSON.createObjectNode();
    }

    /** Writes one line. A failing audit file is reported in the server log; the request is not failed for it. */
    void write(ObjectNode line) {
        String text = line.toString();
        if (file == null) {
            LOG.log(System.Logger.Level.INFO, text);
            return;
        }
        synchronized (this) {
            try {
                file.write(text);
                file.newLine();
                file.flush();
            } catch (IOException e) {
                System.getLogger(SafetyAudit.class.getName()).log(System.Logger.Level.ERROR,
                        "cannot write the safety audit log " + path + ": " + new UncheckedIOException(e).getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // Closing at shutdown; every line was flushed when written.
            }
        }
    }
}
