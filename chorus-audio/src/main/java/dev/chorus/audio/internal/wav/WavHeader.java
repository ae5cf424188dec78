package dev.chorus.audio.internal.wav;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds the canonical 44-byte header of a mono 16-bit PCM RIFF WAVE file. */
public final class WavHeader {

    /** The header length in bytes. */
    public static final int LENGTH = 44;

    /** The size written for lengths unknown when the header is sent; readers take "to the end of the stream". */
    public static final long UNKNOWN_SIZE = 0xFFFF_FFFFL;

    /** The most samples a header can describe: the RIFF size field (data bytes + 36) must fit 32 bits. */
    public static final long MAX_SAMPLES = (UNKNOWN_SIZE - 1 - (LENGTH - 8)) / 2;

    private static final short FORMAT_PCM = 1;
    private static final short CHANNELS = 1;
    private static final short BITS = 16;

    private WavHeader() {
    }

    /**
     * Returns a header with the real lengths of {@code sampleCount} samples.
     *
     * @throws IllegalArgumentException if {@code sampleCount} is negative or above {@link #MAX_SAMPLES}
     */
    public static byte[] of(int sampleRate, long sampleCount) {
        if (sampleCount < 0 || sampleCount > MAX_SAMPLES) {
            throw new IllegalArgumentException(
                    "sampleCount: " + sampleCount + " (expected: 0 to " + MAX_SAMPLES + ")");
        }
        long dataBytes = 2 * sampleCount;
        return build(sampleRate, dataBytes + LENGTH - 8, dataBytes);
    }

    /** Returns a header for a stream of unknown length: both sizes are {@link #UNKNOWN_SIZE}. */
    public static byte[] streaming(int sampleRate) {
        return build(sampleRate, UNKNOWN_SIZE, UNKNOWN_SIZE);
    }

    private static byte[] build(int sampleRate, long riffSize, long dataSize) {
        int blockAlign = CHANNELS * BITS / 8;
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt((int) riffSize).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16)
                .putShort(FORMAT_PCM).putShort(CHANNELS).putInt(sampleRate)
                .putInt(sampleRate * blockAlign).putShort((short) blockAlign).putShort(BITS);
        b.put(ascii("data")).putInt((int) dataSize);
        return b.array();
    }

    static byte[] ascii(String id) {
        return id.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
