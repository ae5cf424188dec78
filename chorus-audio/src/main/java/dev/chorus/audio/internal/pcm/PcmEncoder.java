package dev.chorus.audio.internal.pcm;

import dev.chorus.audio.AudioEncoder;
import dev.chorus.audio.internal.Pcm16;
import dev.chorus.tts.AudioEncoding;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Writes raw signed 16-bit little-endian samples; the base of the uncompressed encoders, which add a header.
 *
 * <p>Samples go through a small reusable byte buffer straight to the stream, so nothing is held back between
 * calls and memory does not grow with the stream.
 */
public class PcmEncoder implements AudioEncoder {

    private static final int CHUNK_BYTES = 8192;

    private final int sampleRate;
    private final OutputStream out;
    private byte[] chunk;
    private boolean started;
    private boolean finished;

    /** Creates an encoder writing to {@code out} at {@code sampleRate}, both validated by the caller. */
    public PcmEncoder(int sampleRate, OutputStream out) {
        this.sampleRate = sampleRate;
        this.out = out;
    }

    @Override
    public AudioEncoding encoding() {
        return AudioEncoding.PCM;
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
        if (chunk == null) {
            chunk = new byte[CHUNK_BYTES];
        }
        int pos = 0;
        if (!started) {
            started = true;
            byte[] header = header(-1);
            System.arraycopy(header, 0, chunk, 0, header.length);
            pos = header.length;
        }
        do {
            int count = Math.min(length, (chunk.length - pos) / 2);
            Pcm16.toLittleEndian(samples, offset, chunk, pos, count);
            pos += 2 * count;
            if (pos > 0) {
                out.write(chunk, 0, pos);
            }
            offset += count;
            length -= count;
            pos = 0;
        } while (length > 0);
    }

    @Override
    public final void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        chunk = null;
        if (!started) {
            started = true;
            byte[] header = header(0);
            if (header.length > 0) {
                out.write(header);
            }
        }
    }

    @Override
    public final void close() {
        try {
            finish();
        } catch (IOException e) {
            throw new UncheckedIOException("could not finish the " + encoding().id() + " stream", e);
        }
    }

    /**
     * Returns the bytes that precede the samples (none for raw PCM).
     *
     * @param sampleCount the total number of samples when known, or -1 while the stream is still open
     */
    protected byte[] header(long sampleCount) {
        return new byte[0];
    }
}
