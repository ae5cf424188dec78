package dev.chorus.audio.internal.wav;

import dev.chorus.audio.Wav;
import dev.chorus.audio.internal.Pcm16;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Parses 16-bit PCM RIFF WAVE files, including streamed ones.
 *
 * <p>Chunks other than {@code fmt } and {@code data} are skipped (with their pad byte when odd-sized). A data
 * chunk that claims more bytes than remain, as streamed headers do with 0xFFFFFFFF, is read to the end of the
 * input, rounded down to whole frames; that is also how a truncated file reads.
 */
public final class WavReader {

    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    private WavReader() {
    }

    /** Returns the audio in {@code bytes}, or fails naming what is wrong with them. */
    public static Wav read(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || !id(b, 0).equals("RIFF") || !id(b, 8).equals("WAVE")) {
            throw new IOException("not a RIFF/WAVE file (expected: 'RIFF' .... 'WAVE' in the first 12 bytes)");
        }
        int pos = 12;
        int sampleRate = 0;
        int channels = 0;
        while (pos + 8 <= bytes.length) {
            String id = id(b, pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            long remaining = bytes.length - body;
            if (id.equals("fmt ")) {
                if (size < 16 || size > remaining) {
                    throw new IOException("bad WAV fmt chunk: " + size + " bytes (expected: 16 to " + remaining + ")");
                }
                int format = Short.toUnsignedInt(b.getShort(body));
                channels = Short.toUnsignedInt(b.getShort(body + 2));
                sampleRate = b.getInt(body + 4);
                int bits = Short.toUnsignedInt(b.getShort(body + 14));
                if (format == FORMAT_EXTENSIBLE && size >= 26) {
                    format = Short.toUnsignedInt(b.getShort(body + 24));
                }
                if (format != FORMAT_PCM) {
                    throw new IOException("unsupported WAV format: " + format + " (expected: 1, integer PCM)");
                }
                if (bits != 16) {
                    throw new IOException("unsupported WAV sample size: " + bits + " bits (expected: 16)");
                }
                if (channels < 1 || sampleRate < 1) {
                    throw new IOException("bad WAV fmt chunk: " + channels + " channels at " + sampleRate + " Hz");
                }
            } else if (id.equals("data")) {
                if (channels == 0) {
                    throw new IOException("bad WAV: data chunk before fmt chunk");
                }
                long bytesAvailable = Math.min(size, remaining);
                int frames = (int) (bytesAvailable / (2L * channels));
                short[] samples = Pcm16.fromLittleEndian(bytes, body, frames * channels);
                return new Wav(sampleRate, channels, samples);
            }
            // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
            long next = body + size + (size & 1);
            if (next > bytes.length) {
                break;
            }
            pos = (int) next;
        }
        throw new IOException("bad WAV: no data chunk");
    }

    private static String id(ByteBuffer b, int pos) {
        byte[] id = new byte[4];
        b.get(pos, id);
        return new String(id, StandardCharsets.ISO_8859_1);
    }
}
