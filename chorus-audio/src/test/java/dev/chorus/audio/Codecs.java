package dev.chorus.audio;

import dev.chorus.audio.internal.Pcm16;
import dev.chorus.testing.ExternalProgram;
import dev.chorus.tts.AudioEncoding;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Encodes test signals and decodes the result with ffmpeg, as a client would from a stream. */
final class Codecs {

    private Codecs() {
    }

    /**
     * Encodes {@code samples} in writes of {@code chunk} samples with default options, calling
     * {@link AudioEncoder#flush} every {@code flushEvery} writes (0 for never), and finishes.
     */
    static byte[] encode(AudioEncoding encoding, int rate, short[] samples, int chunk, int flushEvery)
            throws IOException {
        return encode(encoding, rate, samples, chunk, flushEvery, EncoderOptions.defaults());
    }

    /** Like {@link #encode(AudioEncoding, int, short[], int, int)} with {@code options}. */
    static byte[] encode(AudioEncoding encoding, int rate, short[] samples, int chunk, int flushEvery,
            EncoderOptions options) throws IOException {
        assumeAvailable(encoding, options);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AudioEncoder encoder = AudioEncoder.create(encoding, rate, out, options)) {
            int writes = 0;
            for (int i = 0; i < samples.length; i += chunk) {
                encoder.write(samples, i, Math.min(chunk, samples.length - i));
                if (flushEvery > 0 && ++writes % flushEvery == 0) {
                    encoder.flush();
                }
            }
            encoder.finish();
        }
        return out.toByteArray();
    }

    /**
     * Fails the calling test, saying why, if {@code encoding} cannot be encoded here (AAC without ffmpeg, which
     * scripts/install-test-deps.sh installs).
     */
    static void assumeAvailable(AudioEncoding encoding, EncoderOptions options) {
        if (!AudioEncoders.available(encoding, options)) {
            throw new AssertionError("cannot encode " + encoding.id() + " here: " + AudioEncoders
                    .unavailableReason(encoding, options).orElse("") + " (run scripts/install-test-deps.sh)");
        }
    }

    /** Returns ffmpeg's name for the container of {@code encoding}, for reading it from a pipe. */
    static String ffmpegFormat(AudioEncoding encoding) {
        return switch (encoding) {
            case WAV, WAV_MULAW, WAV_ALAW -> "wav";
            case PCM -> "s16le";
            case MP3 -> "mp3";
            case OPUS -> "ogg";
            case FLAC -> "flac";
            case AAC -> "aac";
            case MULAW -> "mulaw";
            case ALAW -> "alaw";
        };
    }

    /**
     * Decodes {@code bytes} of {@code encoding} from a pipe with ffmpeg to mono 16-bit samples at
     * {@code outputRate}; {@code inputRate} is needed for the headerless formats only.
     */
    static short[] decode(AudioEncoding encoding, int inputRate, byte[] bytes, int outputRate)
            throws IOException, InterruptedException {
        ExternalProgram ffmpeg = ExternalProgram.require("ffmpeg");
        List<String> args = new ArrayList<>(List.of("-v", "error", "-f", ffmpegFormat(encoding)));
        if (encoding == AudioEncoding.PCM || encoding == AudioEncoding.MULAW || encoding == AudioEncoding.ALAW) {
            args.addAll(List.of("-ar", String.valueOf(inputRate), "-ac", "1"));
        }
        args.addAll(List.of("-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", String.valueOf(outputRate),
                "pipe:1"));
        ExternalProgram.Result result = ffmpeg.run(bytes, args.toArray(String[]::new));
        assertThat(result.exitCode()).as("ffmpeg decoding %s: %s", encoding, result.stderr()).isZero();
        assertThat(result.stderr()).as("ffmpeg decoding %s", encoding).isBlank();
        byte[] s16le = result.stdout();
        return Pcm16.fromLittleEndian(s16le, 0, s16le.length / 2);
    }
}
