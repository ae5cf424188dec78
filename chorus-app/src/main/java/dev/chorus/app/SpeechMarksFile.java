package dev.chorus.app;

import dev.chorus.server.SpeechMarks;
import dev.chorus.runtime.Timing;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes {@code chorus say --marks FILE}: one JSON object per line for each sentence, word and mark, in the shape
 * the server's {@code json_marks} format uses. The file appears only when the synthesis succeeds.
 */
final class SpeechMarksFile implements AutoCloseable {

    private final Path target;
    private final Path tmp;
    private final BufferedWriter out;

    private SpeechMarksFile(Path target) throws IOException {
        this.target = target;
        if (target == null) {
            this.tmp = null;
            this.out = null;
            return;
        }
        Path dir = target.toAbsolutePath().getParent();
        this.tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".part");
        this.out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
    }

    /** Opens a marks file, or a no-op when {@code target} is {@code null}. */
    static SpeechMarksFile open(Path target) throws IOException {
        return new SpeechMarksFile(target);
    }

    /** Records one timing (nothing when no marks file was asked for). */
    void write(Timing t) {
        if (out == null) {
            return;
        }
        try {
            out.write(SpeechMarks.line(t));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Moves the finished file into place. */
    void commit() throws IOException {
        if (out == null) {
            return;
        }
        out.close();
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            Files.deleteIfExists(tmp);
        }
    }
}
