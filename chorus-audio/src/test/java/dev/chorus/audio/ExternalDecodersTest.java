package dev.chorus.audio;

import dev.chorus.testing.ExternalProgram;
import dev.chorus.testing.Signals;
import dev.chorus.tts.AudioEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Checks that ffmpeg/ffprobe and sox, as installed, decode both the fixed-length WAV of {@link WavFiles} and the
 * streamed WAV of {@link AudioEncoder} to the same rate, duration and samples. Skipped if a program is missing.
 */
class ExternalDecodersTest {

    private static final int RATE = 24000;
    /** 1.5 s of a tone, resampled from 22050 Hz as the server would produce it. */
    private static final short[] SAMPLES = ResamplerSignalTest.convert(
            Signals.sine(440, 22050, 33075, 12000), 22050, RATE);

    @TempDir
    Path dir;

    @Test
    void ffprobeReadsTheRateAndDurationOfBothForms() throws Exception {
        ExternalProgram ffprobe = ExternalProgram.require("ffprobe");
        for (Path file : new Path[] {fixedWav(), streamedWav()}) {
            ExternalProgram.Result result = ffprobe.run("-v", "error", "-show_entries",
                    "stream=codec_name,sample_rate,channels,duration", "-of", "default=noprint_wrappers=1",
                    file.toString());

            assertThat(result.exitCode()).as("ffprobe %s: %s", file, result.stderr()).isZero();
            Map<String, String> fields = parse(result.text());
            assertThat(fields).as(file.toString())
                    .containsEntry("codec_name", "pcm_s16le")
                    .containsEntry("sample_rate", String.valueOf(RATE))
                    .containsEntry("channels", "1");
            assertThat(Double.parseDouble(fields.get("duration"))).as(file.toString()).isCloseTo(1.5, within(1e-3));
        }
    }

    @Test
    void ffmpegDecodesBothFormsToTheSamplesFromAFileAndFromAPipe() throws Exception {
        ExternalProgram ffmpeg = ExternalProgram.require("ffmpeg");
        for (Path file : new Path[] {fixedWav(), streamedWav()}) {
            ExternalProgram.Result fromFile = ffmpeg.run("-v", "error", "-i", file.toString(), "-f", "s16le", "-");
            // A client reading the HTTP stream sees a pipe: no file size to fall back on.
            ExternalProgram.Result fromPipe = ffmpeg.run(Files.readAllBytes(file),
                    "-v", "error", "-f", "wav", "-i", "pipe:0", "-f", "s16le", "pipe:1");

            assertThat(fromFile.exitCode()).as("ffmpeg %s: %s", file, fromFile.stderr()).isZero();
            assertThat(fromPipe.exitCode()).as("ffmpeg pipe %s: %s", file, fromPipe.stderr()).isZero();
            assertThat(samplesOf(fromFile.stdout())).as(file.toString()).containsExactly(SAMPLES);
            assertThat(samplesOf(fromPipe.stdout())).as(file + " via pipe").containsExactly(SAMPLES);
        }
    }

    @Test
    void soxReadsTheRateAndDecodesBothFormsToTheSamples() throws Exception {
        ExternalProgram sox = ExternalProgram.require("sox");
        for (Path file : new Path[] {fixedWav(), streamedWav()}) {
            ExternalProgram.Result rate = sox.run("--i", "-r", file.toString());
            // sox reports a streamed file's length from its header, so measure the duration by decoding; it warns
            // "premature EOF" for the streamed form and still returns every sample.
            ExternalProgram.Result decoded = sox.run(file.toString(),
                    "-t", "raw", "-e", "signed-integer", "-b", "16", "-L", "-");

            assertThat(rate.text().trim()).as("sox --i -r %s: %s", file, rate.stderr()).isEqualTo("24000");
            assertThat(decoded.exitCode()).as("sox %s: %s", file, decoded.stderr()).isZero();
            short[] samples = samplesOf(decoded.stdout());
            assertThat(samples.length / (double) RATE).as(file.toString()).isEqualTo(1.5);
            assertThat(samples).as(file.toString()).containsExactly(SAMPLES);
        }
    }

    private Path fixedWav() throws IOException {
        Path file = dir.resolve("fixed.wav");
        WavFiles.write(file, SAMPLES, RATE);
        return file;
    }

    private Path streamedWav() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AudioEncoder encoder = AudioEncoder.create(AudioEncoding.WAV, RATE, out)) {
            for (int i = 0; i < SAMPLES.length; i += 1000) {
                encoder.write(SAMPLES, i, Math.min(1000, SAMPLES.length - i));
            }
        }
        Path file = dir.resolve("streamed.wav");
        Files.write(file, out.toByteArray());
        return file;
    }

    private static short[] samplesOf(byte[] s16le) {
        return dev.chorus.audio.internal.Pcm16.fromLittleEndian(s16le, 0, s16le.length / 2);
    }

    private static Map<String, String> parse(String keyValues) {
        Map<String, String> fields = new HashMap<>();
        for (String line : keyValues.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return fields;
    }
}
