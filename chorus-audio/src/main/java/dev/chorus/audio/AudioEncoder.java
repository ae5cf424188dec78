package dev.chorus.audio;

import dev.chorus.audio.internal.pcm.PcmEncoder;
import dev.chorus.audio.internal.wav.WavEncoder;
import dev.chorus.tts.AudioEncoding;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Encodes a stream of mono 16-bit samples of unknown length into an {@link AudioEncoding}, writing the bytes to
 * an {@link OutputStream} as they become ready.
 *
 * <p>One instance serves one stream and is not thread-safe. Call {@link #write} as audio arrives and
 * {@link #finish} once at the end; {@link #close} finishes a stream that was not finished, so
 * try-with-resources never leaves a stream without its trailer. The encoder writes to the stream but never
 * flushes or closes it: the caller decides when bytes go out. Encoders that work in frames (compressed formats)
 * may hold back a partial frame until more samples or {@link #finish} arrive; {@link AudioEncoding#WAV} and
 * {@link AudioEncoding#PCM} hold back nothing.
 *
 * <p>{@link AudioEncoding#WAV} streams a 44-byte header whose RIFF and data sizes are {@code 0xFFFFFFFF}, the
 * conventional marker for "length unknown". ffmpeg and ffprobe read such a file or pipe to its end (from a file
 * they also report the true duration); sox decodes every sample too, warning "premature EOF", though
 * {@code sox --i} reports the header's bogus length. When the stream is finished before any sample was
 * written, the header carries the true (zero) lengths instead.
 * Use {@link WavFiles} for a header with the real lengths when all samples are known up front.
 */
public interface AudioEncoder extends AutoCloseable {

    /**
     * Creates an encoder that writes {@code encoding} at {@code sampleRate} to {@code out}. Nothing is written
     * until the first {@link #write} or {@link #finish}.
     *
     * @throws IllegalArgumentException if {@code sampleRate} lies outside {@link SampleRates#MIN} to
     *     {@link SampleRates#MAX}
     */
    static AudioEncoder create(AudioEncoding encoding, int sampleRate, OutputStream out) {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(out, "out");
        SampleRates.check("sampleRate", sampleRate);
        return switch (encoding) {
            case WAV -> new WavEncoder(sampleRate, out);
            case PCM -> new PcmEncoder(sampleRate, out);
        };
    }

    /** Returns the encoding this encoder writes. */
    AudioEncoding encoding();

    /** Returns the sample rate of the encoded audio, in Hz. */
    int sampleRate();

    /**
     * Encodes {@code length} samples of {@code samples} starting at {@code offset}; the array is not retained.
     *
     * @throws IndexOutOfBoundsException if the range lies outside {@code samples}
     * @throws IllegalStateException if the encoder was finished
     * @throws IOException if the stream fails
     */
    void write(short[] samples, int offset, int length) throws IOException;

    /**
     * Ends the stream: writes any held-back audio and the trailer, if the encoding has one. Does not close the
     * output stream. Calling it again does nothing.
     *
     * @throws IOException if the stream fails
     */
    void finish() throws IOException;

    /**
     * Finishes the stream if {@link #finish} was not called; does nothing otherwise. Does not close the output
     * stream.
     *
     * @throws java.io.UncheckedIOException if finishing fails
     */
    @Override
    void close();
}
