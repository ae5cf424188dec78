package dev.chorus.audio;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Settings of the compressed encoders; each format reads only its own. Start from {@link #defaults()} and
 * change what is needed with the {@code with...} methods.
 *
 * @param mp3BitrateKbps MP3 bitrate in kbit/s, one of {@link #MP3_BITRATES}, or 0 for the default of the
 *     sample rate: 64 at 32000 Hz and above, 48 at 16000 to 24000 Hz, 24 below. A bitrate that the MPEG
 *     version of the sample rate lacks (MPEG-1 above 24000 Hz has 32 to 320, MPEG-2 and 2.5 have 8 to 160) is
 *     replaced by the nearest one it has
 * @param mp3Vbr whether MP3 uses a variable bitrate averaging {@code mp3BitrateKbps} (LAME's ABR mode) instead
 *     of a constant one
 * @param opusBitrateKbps Opus target bitrate in kbit/s, 6 to 510; the default, 32, is ample for speech
 * @param opusApplication the Opus encoder's tuning
 * @param opusComplexity Opus encoder complexity, 0 (fastest) to 10 (best); the default, 5, encodes about four
 *     times faster than 10 at a small cost in quality
 * @param flacCompressionLevel FLAC effort, 0 to 8 as for the {@code flac} program: 0 to 2 use fixed predictors
 *     only, 3 to 5 also try linear prediction up to order 8, 6 to 8 up to order 12; the default is 5
 * @param aacBitrateKbps AAC bitrate in kbit/s, 16 to 320; the default is 64. ffmpeg lowers a bitrate above
 *     what the sample rate can carry (about 48 kbit/s at 8000 Hz)
 * @param ffmpegProgram the ffmpeg program that encodes AAC: a command name looked up on the PATH, or a path
 */
public record EncoderOptions(
        int mp3BitrateKbps,
        boolean mp3Vbr,
        int opusBitrateKbps,
        OpusApplication opusApplication,
        int opusComplexity,
        int flacCompressionLevel,
        int aacBitrateKbps,
        String ffmpegProgram) {

    /** The MP3 bitrates in kbit/s: the union of the MPEG-1 and the MPEG-2/2.5 Layer III bitrates. */
    public static final List<Integer> MP3_BITRATES =
            List.of(8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 192, 224, 256, 320);

    private static final EncoderOptions DEFAULTS =
            new EncoderOptions(0, false, 32, OpusApplication.VOIP, 5, 5, 64, "ffmpeg");

    /** How the Opus encoder is tuned. */
    public enum OpusApplication {
        /** Best for speech: favours intelligibility (Opus's {@code OPUS_APPLICATION_VOIP}). */
        VOIP,
        /** Favours faithfulness to the input, for music or mixed content ({@code OPUS_APPLICATION_AUDIO}). */
        AUDIO,
        /** The lowest algorithmic delay, 2.5 ms less look-ahead, CELT only ({@code RESTRICTED_LOWDELAY}). */
        LOW_DELAY
    }

    /**
     * Validates every setting.
     *
     * @throws IllegalArgumentException naming the first setting out of range and what it accepts
     */
    public EncoderOptions {
        if (mp3BitrateKbps != 0 && !MP3_BITRATES.contains(mp3BitrateKbps)) {
            throw new IllegalArgumentException("mp3BitrateKbps: " + mp3BitrateKbps
                    + " (expected: 0 for the default, or one of: " + MP3_BITRATES.stream()
                            .map(String::valueOf).collect(Collectors.joining(", ")) + ")");
        }
        checkRange("opusBitrateKbps", opusBitrateKbps, 6, 510);
        Objects.requireNonNull(opusApplication, "opusApplication");
        checkRange("opusComplexity", opusComplexity, 0, 10);
        checkRange("flacCompressionLevel", flacCompressionLevel, 0, 8);
        checkRange("aacBitrateKbps", aacBitrateKbps, 16, 320);
        Objects.requireNonNull(ffmpegProgram, "ffmpegProgram");
        if (ffmpegProgram.isBlank()) {
            throw new IllegalArgumentException(
                    "ffmpegProgram: '" + ffmpegProgram + "' (expected: a command name or path)");
        }
    }

    /** Returns the defaults: MP3 CBR at the rate's default bitrate, Opus 32 kbit/s VOIP, FLAC 5, AAC 64 kbit/s. */
    public static EncoderOptions defaults() {
        return DEFAULTS;
    }

    /** Returns these options with {@link #mp3BitrateKbps()} replaced. */
    public EncoderOptions withMp3BitrateKbps(int kbps) {
        return new EncoderOptions(kbps, mp3Vbr, opusBitrateKbps, opusApplication, opusComplexity,
                flacCompressionLevel, aacBitrateKbps, ffmpegProgram);
    }

    /** Returns these options with {@link #mp3Vbr()} replaced. */
    public EncoderOptions withMp3Vbr(boolean vbr) {
        return new EncoderOptions(mp3BitrateKbps, vbr, opusBitrateKbps, opusApplication, opusComplexity,
                flacCompressionLevel, aacBitrateKbps, ffmpegProgram);
    }

    /** Returns these options with {@link #opusBitrateKbps()} replaced. */
    public EncoderOptions withOpusBitrateKbps(int kbps) {
        return new EncoderOptions(mp3BitrateKbps, mp3Vbr, kbps, opusApplication, opusComplexity,
                flacCompressionLevel, aacBitrateKbps, ffmpegProgram);
    }

    /** Returns these options with {@link #opusApplication()} replaced. */
    public EncoderOptions withOpusApplication(OpusApplication application) {
        return new EncoderOptions(mp3BitrateKbps, mp3Vbr, opusBitrateKbps, application, opusComplexity,
                flacCompressionLevel, aacBitrateKbps, ffmpegProgram);
    }

    /** Returns these options with {@link #opusComplexity()} replaced. */
    public EncoderOptions withOpusComplexity(int complexity) {
        return new EncoderOptions(mp3BitrateKbps, mp3Vbr, opusBitrateKbps, opusApplication, complexity,
                flacCompressionLevel, aacBitrateKbps, ffmpegProgram);
    }

    /** Returns these options with {@link #flacCompressionLevel()} replaced. */
    public EncoderOptions withFlacCompressionLevel(int level) {
        return new EncoderOptions(mp3BitrateKbps, mp3Vbr, opusBitrateKbps, opusApplication, opusComplexity,
                level, aacBitrateKbps, ffmpegProgram);
    }

    /** Returns these options with {@link #aacBitrateKbps()} replaced. */
    public EncoderOptions withAacBitrateKbps(int kbps) {
        return new EncoderOptions(mp3BitrateKbps, mp3Vbr, opusBitrateKbps, opusApplication, opusComplexity,
                flacCompressionLevel, kbps, ffmpegProgram);
    }

    /** Returns these options with {@link #ffmpegProgram()} replaced. */
    public EncoderOptions withFfmpegProgram(String program) {
        return new EncoderOptions(mp3BitrateKbps, mp3Vbr, opusBitrateKbps, opusApplication, opusComplexity,
                flacCompressionLevel, aacBitrateKbps, program);
    }

    private static void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + " to " + max + ")");
        }
    }
}
