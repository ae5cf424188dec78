package dev.chorus.audio.internal;

import dev.chorus.audio.AudioEncoder;
import dev.chorus.tts.AudioEncoding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The life cycle every encoder shares: {@link #write} checks its arguments and refuses samples after the end,
 * {@link #finish} runs once, {@link #close} finishes a stream that was not finished. Subclasses encode.
 */
public abstract class StreamEncoder implements AudioEncoder {

    private final AudioEncoding encoding;
    private final int sampleRate;
    private boolean finished;

    /** Creates an encoder of {@code encoding} at {@code sampleRate}, both validated by the caller. */
    protected StreamEncoder(AudioEncoding encoding, int sampleRate) {
        this.encoding = encoding;
        this.sampleRate = sampleRate;
    }

    @Override
    public final AudioEncoding encoding() {
        return encoding;
    }

    @Override
    public final int sampleRate() {
        return sampleRate;
    }

    @Override
    public final void write(short[] samples, int offset, int length) throws IOException {
        Objects.requireNonNull(samples, "samples");
        Objects.checkFromIndexSize(offset, length, samples.length);
        if (finished) {
            throw new IllegalStateException("encoder already finished");
        }
        encode(samples, offset, length);
    }

    @Override
    public final void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        end();
    }

    @Override
    public final void close() {
        try {
            finish();
        } catch (IOException e) {
            throw new UncheckedIOException("could not finish the " + encoding.id() + " stream", e);
        } finally {
            release();
        }
    }

    /** Returns whether {@link #finish} was called. */
    protected final boolean isFinished() {
        return finished;
    }

    /** Encodes {@code length} checked samples; called only before the end. */
    protected abstract void encode(short[] samples, int offset, int length) throws IOException;

    /** Writes what is held back and the trailer; called once. */
    protected abstract void end() throws IOException;

    /** Frees what the encoder holds beyond the stream (a child process, say); called by {@link #close}. */
    protected void release() {
    }
}
