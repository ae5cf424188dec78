package dev.chorus.app;

import dev.chorus.runtime.SynthesisListener;
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

    /** Returns a listener that records timings and passes every call on to {@code next} (which may be null). */
    SynthesisListener wrap(SynthesisListener next) {
        if (out == null) {
            return next;
        }
        return new SynthesisListener() {
            @Override
            public void onStart(dev.chorus.tts.VoiceInfo voice, int sampleRate, int chunks) {
                if (next != null) {
                    next.onStart(voice, sampleRate, chunks);
                }
            }

            @Override
            public void onAudio(short[] samples, int offset, int length) {
            }

            @Override
            public void onTiming(Timing t) {
                write(t);
            }

            @Override
            public void onChunkDone(int index, int chunks) {
                if (next != null) {
                    next.onChunkDone(index, chunks);
                }
            }

            @Override
            public void onComplete(dev.chorus.runtime.SynthesisSummary summary) {
                if (next != null) {
                    next.onComplete(summary);
                }
            }
        };
    }

    private void write(Timing t) {
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
