package dev.chorus.engine.hmm.bridge;

import javax.sound.sampled.AudioInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * Mono little-endian PCM16 from a MaryTTS audio stream, read from it in blocks of exactly {@value #BLOCK} bytes
 * whatever the caller asks for.
 *
 * <p>Why fixed blocks: the HSMM vocoder's amplitude normaliser adapts once per read, so the samples depend on how
 * the stream is read; reads of at least 16 KB match MaryTTS's own output, and a fixed size keeps every run
 * byte-identical. {@link #close()} reads the rest of the stream away, because the vocoder thread behind it blocks
 * until every sample has been taken.
 *
 * <p>Failures surface as JDK exceptions: {@link InterruptedIOException} when the reading thread is interrupted
 * (its interrupt flag stays set), {@link IOException} otherwise.
 */
final class PcmInputStream extends InputStream {

    static final int BLOCK = 16_384;

    private final AudioInputStream source;
    private final byte[] block = new byte[BLOCK];
    private int position;
    private int limit;
    private boolean ended;
    private boolean closed;

    PcmInputStream(AudioInputStream source) {
        this.source = source;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        if (position == limit && !fill()) {
            return -1;
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(block, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return limit - position;
    }

    private boolean fill() throws IOException {
        while (!ended) {
            int n = readBlock();
            if (n < 0) {
                ended = true;
            } else if (n > 0) {
                position = 0;
                limit = n;
                return true;
            }
        }
        return false;
    }

    private int readBlock() throws IOException {
        try {
            return source.read(block, 0, BLOCK);
        } catch (RuntimeException e) {
            // MaryTTS wraps an interrupted wait for the vocoder in a RuntimeException.
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                InterruptedIOException interrupted = new InterruptedIOException("interrupted while MaryTTS was vocoding");
                interrupted.initCause(e);
                throw interrupted;
            }
            throw new IOException("MaryTTS audio failed: " + e, e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        // Drain even when interrupted: otherwise the vocoder thread would wait forever for a reader.
        boolean interrupted = Thread.interrupted();
        try {
            while (!ended) {
                ended = readBlock() < 0;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            source.close();
        }
    }
}
