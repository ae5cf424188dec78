package dev.chorus.audio.internal.g711;

import dev.chorus.audio.internal.pcm.PcmEncoder;
import dev.chorus.tts.AudioEncoding;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes G.711 µ-law or A-law, raw or in a RIFF WAVE file, one byte per sample as the samples arrive.
 *
 * <p>The WAV forms stream a 58-byte header: a fmt chunk of 18 bytes (format tag 7 for µ-law, 6 for A-law,
 * 8 bits, block align 1), a fact chunk, and a data chunk. As with the PCM WAV, the RIFF size, the fact sample
 * count and the data size are 0xFFFFFFFF while the length is unknown, and the real zeros when the stream ends
 * before any sample.
 */
public final class G711Encoder extends PcmEncoder {

    /** The length of the WAV header in bytes. */
    public static final int WAV_HEADER_LENGTH = 58;

    private static final int FORMAT_ALAW = 6;
    private static final int FORMAT_MULAW = 7;
    private static final long UNKNOWN_SIZE = 0xFFFF_FFFFL;

    private final boolean muLaw;
    private final boolean wav;

    /**
     * Creates an encoder for one of {@link AudioEncoding#MULAW}, {@link AudioEncoding#ALAW},
     * {@link AudioEncoding#WAV_MULAW} and {@link AudioEncoding#WAV_ALAW}; arguments validated by the caller.
     */
    public G711Encoder(AudioEncoding encoding, int sampleRate, OutputStream out) {
        super(encoding, sampleRate, out, 1);
        this.muLaw = switch (encoding) {
            case MULAW, WAV_MULAW -> true;
            case ALAW, WAV_ALAW -> false;
            default -> throw new IllegalArgumentException("encoding: " + encoding + " (expected: a G.711 format)");
        };
        this.wav = encoding == AudioEncoding.WAV_MULAW || encoding == AudioEncoding.WAV_ALAW;
    }

    @Override
    protected void toBytes(short[] samples, int offset, byte[] dst, int pos, int count) {
        if (muLaw) {
            for (int i = 0; i < count; i++) {
                dst[pos + i] = G711.linearToMuLaw(samples[offset + i]);
            }
        } else {
            for (int i = 0; i < count; i++) {
                dst[pos + i] = G711.linearToALaw(samples[offset + i]);
            }
        }
    }

    @Override
    protected byte[] header(long sampleCount) {
        return wav ? wavHeader(sampleRate(), muLaw, sampleCount) : new byte[0];
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
