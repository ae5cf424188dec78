package dev.chorus.audio.internal.pcm;

import dev.chorus.audio.internal.Pcm16;
import dev.chorus.audio.internal.StreamEncoder;
import dev.chorus.tts.AudioEncoding;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes raw signed 16-bit little-endian samples; the base of the uncompressed encoders, which add a header or
 * write other sample bytes (G.711).
 *
 * <p>Samples go through a small reusable byte buffer straight to the stream, so nothing is held back between
 * calls and memory does not grow with the stream.
 */
public class PcmEncoder extends StreamEncoder {

    private static final int CHUNK_BYTES = 8192;

    private final OutputStream out;
    private final int bytesPerSample;
    private byte[] chunk;
    private boolean started;

    /** Creates a raw PCM encoder writing to {@code out} at {@code sampleRate}, both validated by the caller. */
    public PcmEncoder(int sampleRate, OutputStream out) {
        this(AudioEncoding.PCM, sampleRate, out, 2);
    }

    /** Creates an encoder of {@code encoding} that writes {@code bytesPerSample} bytes per sample after its header. */
    protected PcmEncoder(AudioEncoding encoding, int sampleRate, OutputStream out, int bytesPerSample) {
        super(encoding, sampleRate);
        this.out = out;
        this.bytesPerSample = bytesPerSample;
    }

    @Override
    protected final void encode(short[] samples, int offset, int length) throws IOException {
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
            int count = Math.min(length, (chunk.length - pos) / bytesPerSample);
            toBytes(samples, offset, chunk, pos, count);
            pos += bytesPerSample * count;
            if (pos > 0) {
                out.write(chunk, 0, pos);
            }
            offset += count;
            length -= count;
            pos = 0;
        } while (length > 0);
    }

    @Override
    protected final void end() throws IOException {
        chunk = null;
        if (!started) {
            started = true;
            byte[] header = header(0);
            if (header.length > 0) {
                out.write(header);
            }
        }
    }

    /** Writes {@code count} samples as bytes into {@code dst} at {@code pos}: 16-bit little-endian here. */
    protected void toBytes(short[] samples, int offset, byte[] dst, int pos, int count) {
        Pcm16.toLittleEndian(samples, offset, dst, pos, count);
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
