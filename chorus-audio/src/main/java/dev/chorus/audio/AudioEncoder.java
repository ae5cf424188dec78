package dev.chorus.audio;

import dev.chorus.audio.internal.aac.AacEncoder;
import dev.chorus.audio.internal.flac.FlacEncoder;
import dev.chorus.audio.internal.g711.G711Encoder;
import dev.chorus.audio.internal.mp3.Mp3Encoder;
import dev.chorus.audio.internal.opus.OpusEncoder;
import dev.chorus.audio.internal.pcm.PcmEncoder;
import dev.chorus.audio.internal.wav.WavEncoder;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.InvalidInputException;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * Encodes a stream of mono 16-bit samples of unknown length into an {@link AudioEncoding}, writing the bytes to
 * an {@link OutputStream} as they become ready.
 *
 * <p>One instance serves one stream and is not thread-safe. Call {@link #write} as audio arrives, {@link #flush}
 * where a listener should get everything so far (the runtime calls it at the end of each chunk of text, a
 * sentence or so), and {@link #finish} once at the end; {@link #close} finishes a stream that was not finished,
 * so try-with-resources never leaves a stream without its trailer. The encoder writes to the stream but never
 * flushes or closes it: the caller decides when bytes go out. Encoders that work in frames (compressed formats)
 * hold back a partial frame, and some a little look-ahead, until more samples or {@link #finish} arrive;
 * {@link AudioEncoding#WAV}, {@link AudioEncoding#PCM} and the G.711 formats hold back nothing.
 *
 * <table class="striped">
 *   <caption>What each encoding holds back, and what {@link #flush} releases</caption>
 *   <thead><tr><th>encoding</th><th>held back between calls</th><th>{@code flush}</th></tr></thead>
 *   <tbody>
 *   <tr><td>wav, pcm, mulaw, alaw, wav_mulaw, wav_alaw</td><td>nothing</td><td>nothing to do</td></tr>
 *   <tr><td>mp3</td><td>LAME's look-ahead, about 1300 samples up to 24000 Hz and 1900 above, and up to two
 *     frames of 576 or 1152 samples</td>
 *     <td>nothing more: LAME cannot release them without ending the stream or inserting silence</td></tr>
 *   <tr><td>opus</td><td>the open Ogg page (up to 1 s), the current 20 ms frame and ~3 ms of resampler
 *     look-ahead; a cut stream also decodes 6.5 ms (the pre-skip) short of what it holds</td>
 *     <td>closes the open page</td></tr>
 *   <tr><td>flac</td><td>the current block: 1024 to 4096 samples by rate</td><td>nothing more</td></tr>
 *   <tr><td>aac</td><td>what ffmpeg has not yet encoded: about three 1024-sample frames</td>
 *     <td>waits for ffmpeg to catch up, then passes its frames on: up to 1 s (150 ms if it falls idle), or up
 *     to 5 s for its very first frame</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>{@link AudioEncoding#WAV} streams a 44-byte header whose RIFF and data sizes are {@code 0xFFFFFFFF}, the
 * conventional marker for "length unknown". ffmpeg and ffprobe read such a file or pipe to its end (from a file
 * they also report the true duration); sox decodes every sample too, warning "premature EOF", though
 * {@code sox --i} reports the header's bogus length. When the stream is finished before any sample was
 * written, the header carries the true (zero) lengths instead. The G.711 WAV forms do the same with a 58-byte
 * header (fmt, fact and data chunks). Use {@link WavFiles} for a header with the real lengths when all samples
 * are known up front.
 *
 * <p>The other encodings are described on their {@link AudioEncoding} constants and configured with
 * {@link EncoderOptions}; {@link AudioEncoders} tells whether each is available here.
 */
public interface AudioEncoder extends AutoCloseable {

    /**
     * Creates an encoder with the default {@link EncoderOptions}; see
     * {@link #create(AudioEncoding, int, OutputStream, EncoderOptions)}.
     */
    static AudioEncoder create(AudioEncoding encoding, int sampleRate, OutputStream out) {
        return create(encoding, sampleRate, out, EncoderOptions.defaults());
    }

    /**
     * Creates an encoder that writes {@code encoding} at {@code sampleRate} to {@code out}. Nothing is written
     * until the first {@link #write} or {@link #finish}. An AAC encoder starts its ffmpeg process here, so that
     * it is ready for the first audio; {@link #finish} or {@link #close} ends it, so close every encoder, also
     * when a synthesis fails.
     *
     * <p>{@link AudioEncoding#WAV} and {@link AudioEncoding#PCM} take any rate from {@link SampleRates#MIN} to
     * {@link SampleRates#MAX}; the other encodings take the rates of {@link AudioEncoding#sampleRates()}, which
     * {@link AudioEncoding#outputRate} chooses from.
     *
     * @throws IllegalArgumentException if {@code sampleRate} lies outside {@link SampleRates#MIN} to
     *     {@link SampleRates#MAX}
     * @throws InvalidInputException for parameter {@code sample_rate} if the encoding cannot carry
     *     {@code sampleRate}, or for parameter {@code response_format} if the encoding is not available here
     *     (AAC without ffmpeg; see {@link AudioEncoders})
     * @throws java.io.UncheckedIOException if ffmpeg, found working before, cannot be started for AAC
     */
    static AudioEncoder create(AudioEncoding encoding, int sampleRate, OutputStream out, EncoderOptions options) {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(options, "options");
        SampleRates.check("sampleRate", sampleRate);
        if (encoding != AudioEncoding.WAV && encoding != AudioEncoding.PCM) {
            encoding.outputRate(sampleRate, sampleRate);
        }
        return switch (encoding) {
            case WAV -> new WavEncoder(sampleRate, out);
            case PCM -> new PcmEncoder(sampleRate, out);
            case MP3 -> new Mp3Encoder(sampleRate, out, options);
            case OPUS -> new OpusEncoder(sampleRate, out, options);
            case FLAC -> new FlacEncoder(sampleRate, out, options);
            case AAC -> {
                Optional<String> reason = AudioEncoders.unavailableReason(encoding, options);
                if (reason.isPresent()) {
                    throw new InvalidInputException("response_format", "response_format: " + reason.get());
                }
                yield new AacEncoder(sampleRate, out, options);
            }
            case MULAW, ALAW, WAV_MULAW, WAV_ALAW -> new G711Encoder(encoding, sampleRate, out);
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
     * Writes to the stream everything that can be given out without ending it: complete frames, pages or
     * blocks, as the table above details. The stream stays valid: what was written so far, cut here, decodes.
     * Does nothing for the uncompressed encodings, before the first {@link #write}, or once finished.
     *
     * @throws IOException if the stream fails
     */
    default void flush() throws IOException {
    }

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
