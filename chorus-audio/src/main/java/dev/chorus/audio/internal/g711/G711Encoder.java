package dev.chorus.audio.internal.g711;

import dev.chorus.audio.AudioEncoder;
import dev.chorus.tts.AudioEncoding;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes G.711 µ-law or A-law, raw or in a RIFF WAVE file, one byte per sample as the samples arrive.
 *
 * <p>The WAV forms stream a 58-byte header: a fmt chunk of 18 bytes (format tag 7 for µ-law, 6 for A-law,
 * 8 bits, block align 1), a fact chunk, and a data chunk. As with the PCM WAV, the RIFF size, the fact sample
 * count and the data size are 0xFFFFFFFF while the length is unknown, and the real zeros when the stream ends
 * before any sample.
 */
public final class G711Encoder implements AudioEncoder {

    /** The length of the WAV header in bytes. */
    public static final int WAV_HEADER_LENGTH = 58;

    private static final int CHUNK_BYTES = 8192;
    private static final int FORMAT_ALAW = 6;
    private static final int FORMAT_MULAW = 7;
    private static final long UNKNOWN_SIZE = 0xFFFF_FFFFL;

    private final AudioEncoding encoding;
    private final boolean muLaw;
    private final boolean wav;
    private final int sampleRate;
    private final OutputStream out;
    private byte[] chunk;
    private boolean started;
    private boolean finished;

    /**
     * Creates an encoder for one of {@link AudioEncoding#MULAW}, {@link AudioEncoding#ALAW},
     * {@link AudioEncoding#WAV_MULAW} and {@link AudioEncoding#WAV_ALAW}; arguments validated by the caller.
     */
    public G711Encoder(AudioEncoding encoding, int sampleRate, OutputStream out) {
        this.encoding = encoding;
        this.muLaw = switch (encoding) {
            case MULAW, WAV_MULAW -> true;
            case ALAW, WAV_ALAW -> false;
            default -> throw new IllegalArgumentException("encoding: " + encoding + " (expected: a G.711 format)");
        };
        this.wav = encoding == AudioEncoding.WAV_MULAW || encoding == AudioEncoding.WAV_ALAW;
        this.sampleRate = sampleRate;
        this.out = out;
    }

    @Override
    public AudioEncoding encoding() {
        return encoding;
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public void write(short[] samples, int offset, int length) throws IOException {
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
            if (wav) {
                byte[] header = wavHeader(sampleRate, muLaw, -1);
                System.arraycopy(header, 0, chunk, 0, header.length);
                pos = header.length;
            }
        }
        do {
            int count = Math.min(length, chunk.length - pos);
            if (muLaw) {
                for (int i = 0; i < count; i++) {
                    chunk[pos + i] = G711.linearToMuLaw(samples[offset + i]);
                }
            } else {
                for (int i = 0; i < count; i++) {
                    chunk[pos + i] = G711.linearToALaw(samples[offset + i]);
                }
            }
            pos += count;
            if (pos > 0) {
                out.write(chunk, 0, pos);
            }
            offset += count;
            length -= count;
            pos = 0;
        } while (length > 0);
    }

    @Override
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        chunk = null;
        if (!started) {
            started = true;
            if (wav) {
                out.write(wavHeader(sampleRate, muLaw, 0));
            }
        }
    }

    @Override
    public void close() {
        try {
            finish();
        } catch (IOException e) {
            throw new UncheckedIOException("could not finish the " + encoding.id() + " stream", e);
        }
    }

    /**
     * Returns the WAV header for {@code sampleCount} G.711 samples, or for an unknown length when
     * {@code sampleCount} is negative.
     */
    public static byte[] wavHeader(int sampleRate, boolean muLaw, long sampleCount) {
        long data = sampleCount < 0 ? UNKNOWN_SIZE : sampleCount;
        long riff = sampleCount < 0 ? UNKNOWN_SIZE : sampleCount + WAV_HEADER_LENGTH - 8;
        ByteBuffer b = ByteBuffer.allocate(WAV_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt((int) riff).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(18)
                .putShort((short) (muLaw ? FORMAT_MULAW : FORMAT_ALAW)).putShort((short) 1).putInt(sampleRate)
                .putInt(sampleRate).putShort((short) 1).putShort((short) 8).putShort((short) 0);
        b.put(ascii("fact")).putInt(4).putInt((int) data);
        b.put(ascii("data")).putInt((int) data);
        return b.array();
    }

    private static byte[] ascii(String id) {
        return id.getBytes(StandardCharsets.US_ASCII);
    }
}
