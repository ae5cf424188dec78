package dev.chorus.audio;

import dev.chorus.audio.internal.Pcm16;
import dev.chorus.audio.internal.wav.WavHeader;
import dev.chorus.audio.internal.wav.WavReader;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads and writes whole WAV files: mono 16-bit PCM RIFF WAVE with a 44-byte header.
 *
 * <p>Written files carry their real lengths. Reading accepts 16-bit PCM with any channel count, skips unknown
 * chunks, and reads streamed files whose sizes are 0xFFFFFFFF (as {@link AudioEncoder} writes them) to the end.
 */
public final class WavFiles {

    private static final int CHUNK_SAMPLES = 4096;

    private WavFiles() {
    }

    /**
     * Returns a complete WAV file holding {@code samples} at {@code sampleRate}.
     *
     * @throws IllegalArgumentException if {@code sampleRate} is unsupported
     */
    public static byte[] toWav(short[] samples, int sampleRate) {
        Objects.requireNonNull(samples, "samples");
        byte[] header = header(sampleRate, samples.length);
        byte[] out = new byte[header.length + 2 * samples.length];
        System.arraycopy(header, 0, out, 0, header.length);
        Pcm16.toLittleEndian(samples, 0, out, header.length, samples.length);
        return out;
    }

    /**
     * Writes {@code samples} at {@code sampleRate} to {@code file} as a complete WAV file, replacing it.
     *
     * @throws IllegalArgumentException if {@code sampleRate} is unsupported
     */
    public static void write(Path file, short[] samples, int sampleRate) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(samples, "samples");
        byte[] header = header(sampleRate, samples.length);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(header);
            byte[] chunk = new byte[2 * CHUNK_SAMPLES];
            for (int i = 0; i < samples.length; i += CHUNK_SAMPLES) {
                int count = Math.min(CHUNK_SAMPLES, samples.length - i);
                Pcm16.toLittleEndian(samples, i, chunk, 0, count);
                out.write(chunk, 0, 2 * count);
            }
        }
    }

    /**
     * Returns the 44-byte header of a file holding {@code sampleCount} samples at {@code sampleRate}, for writers
     * that know the total before sending the samples.
     *
     * @throws IllegalArgumentException if {@code sampleRate} is unsupported or {@code sampleCount} is negative or
     *     too large for a RIFF file (over about 2.1 billion samples)
     */
    public static byte[] header(int sampleRate, long sampleCount) {
        SampleRates.check("sampleRate", sampleRate);
        return WavHeader.of(sampleRate, sampleCount);
    }

    /**
     * Returns the 44-byte header that {@link AudioEncoder} streams when the length is unknown: RIFF and data sizes
     * are 0xFFFFFFFF.
     *
     * @throws IllegalArgumentException if {@code sampleRate} is unsupported
     */
    public static byte[] streamingHeader(int sampleRate) {
        SampleRates.check("sampleRate", sampleRate);
        return WavHeader.streaming(sampleRate);
    }

    /**
     * Decodes a WAV file held in memory.
     *
     * @throws IOException naming the problem if the bytes are not a 16-bit PCM WAV file
     */
    public static Wav read(byte[] bytes) throws IOException {
        return WavReader.read(Objects.requireNonNull(bytes, "bytes"));
    }

    /**
     * Reads and decodes a WAV file.
     *
     * @throws IOException if the file cannot be read or is not a 16-bit PCM WAV file; the message names the file
     */
    public static Wav read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(Objects.requireNonNull(file, "file"));
        try {
            return WavReader.read(bytes);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code in} to its end and decodes it as a WAV file; does not close it.
     *
     * @throws IOException if reading fails or the bytes are not a 16-bit PCM WAV file
     */
    public static Wav read(InputStream in) throws IOException {
        return WavReader.read(Objects.requireNonNull(in, "in").readAllBytes());
    }
}
