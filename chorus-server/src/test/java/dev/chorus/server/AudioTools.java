package dev.chorus.server;

import dev.chorus.testing.ExternalProgram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decodes and probes the server's output with the programs a client would use (ffmpeg, ffprobe), run through the
 * test kit's {@link ExternalProgram}, and turns raw 16-bit audio into samples. A missing program skips the calling
 * test, saying which Debian package has it.
 */
final class AudioTools {

    private AudioTools() {
    }

    /**
     * Decodes {@code bytes} with ffmpeg from a pipe to mono 16-bit samples at {@code rate}. {@code inputOptions}
     * describe the input (such as {@code -f mulaw -ar 8000 -ac 1} for headerless audio). Returns ffmpeg's result,
     * its standard output being the samples as little-endian bytes.
     */
    static ExternalProgram.Result ffmpegDecode(byte[] bytes, int rate, String... inputOptions)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-nostdin", "-v", "error"));
        args.addAll(List.of(inputOptions));
        args.addAll(List.of("-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", String.valueOf(rate), "pipe:1"));
        return ExternalProgram.require("ffmpeg").run(bytes, args.toArray(String[]::new));
    }

    /** Like {@link #ffmpegDecode}, failing the test unless ffmpeg succeeds without a word on its error output. */
    static short[] decodeCleanly(byte[] bytes, int rate, String what, String... inputOptions)
            throws IOException, InterruptedException {
        ExternalProgram.Result r = ffmpegDecode(bytes, rate, inputOptions);
        assertThat(r.exitCode()).as("ffmpeg exit code decoding %s: %s", what, r.stderr()).isZero();
        assertThat(r.stderr()).as("ffmpeg errors decoding %s", what).isBlank();
        return samples(r.stdout());
    }

    /**
     * Returns ffprobe's {@code codec_name} and {@code sample_rate} of the first stream, such as
     * {@code ["mp3", "24000"]}.
     */
    static List<String> probeCodecAndRate(byte[] bytes, String suffix, String... inputOptions)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-v", "error"));
        args.addAll(List.of(inputOptions));
        args.addAll(List.of("-select_streams", "a:0", "-show_entries", "stream=codec_name,sample_rate",
                "-of", "default=nw=1:nk=1"));
        ExternalProgram.Result r = ExternalProgram.require("ffprobe").runOnFile(bytes, suffix,
                args.toArray(String[]::new));
        assertThat(r.exitCode()).as("ffprobe on %s: %s", suffix, r.stderr()).isZero();
        return r.text().lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Returns little-endian 16-bit samples from {@code bytes} (an odd last byte is dropped). */
    static short[] samples(byte[] bytes) {
        short[] out = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
        return out;
    }
}
