package dev.chorus.audio;

import dev.chorus.audio.internal.aac.FfmpegProbe;
import dev.chorus.tts.AudioEncoding;

import java.util.Objects;
import java.util.Optional;

/**
 * Tells which {@link AudioEncoding}s this installation can encode.
 *
 * <p>Every format is encoded in-process except {@link AudioEncoding#AAC}, which needs the ffmpeg program with
 * its {@code aac} encoder. The first question about a program runs {@code ffmpeg -encoders} once (blocking up
 * to 10 seconds); the answer is kept for the life of the JVM.
 */
public final class AudioEncoders {

    private AudioEncoders() {
    }

    /** Returns whether {@code encoding} can be encoded with the default {@link EncoderOptions}. */
    public static boolean available(AudioEncoding encoding) {
        return unavailableReason(encoding).isEmpty();
    }

    /** Returns whether {@code encoding} can be encoded with {@code options} (their ffmpeg program, for AAC). */
    public static boolean available(AudioEncoding encoding, EncoderOptions options) {
        return unavailableReason(encoding, options).isEmpty();
    }

    /**
     * Returns why {@code encoding} cannot be encoded with the default {@link EncoderOptions}, or empty if it can,
     * for example "aac needs the ffmpeg program (install the Debian package ffmpeg), which was not found".
     */
    public static Optional<String> unavailableReason(AudioEncoding encoding) {
        return unavailableReason(encoding, EncoderOptions.defaults());
    }

    /** Returns why {@code encoding} cannot be encoded with {@code options}, or empty if it can. */
    public static Optional<String> unavailableReason(AudioEncoding encoding, EncoderOptions options) {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(options, "options");
        return encoding == AudioEncoding.AAC ? FfmpegProbe.aacUnavailableReason(options.ffmpegProgram())
                : Optional.empty();
    }
}
