package dev.chorus.app;

import dev.chorus.server.SpeechMarks;
import dev.chorus.runtime.Timing;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes {@code chorus say --marks FILE}: one JSON object per line for each sentence, word and mark, in the shape
 * the server's {@code json_marks} format uses. The file appears only when the synthesis succeeds.
 */
final class SpeechMarksFile implements AutoCloseable {

    private final PartFile file;
    private final BufferedWriter out;

    private SpeechMarksFile(Path target) throws IOException {
        if (target == null) {
            this.file = null;
            this.out = null;
            return;
        }
        this.file = PartFile.beside(target);
        this.out = new BufferedWriter(new OutputStreamWriter(file.open(), StandardCharsets.UTF_8));
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
        file.commit();
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            file.close();
        }
    }
}
