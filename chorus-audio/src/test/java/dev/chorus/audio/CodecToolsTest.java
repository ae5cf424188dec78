package dev.chorus.audio;

import dev.chorus.testing.ExternalProgram;
import dev.chorus.testing.Signals;
import dev.chorus.tts.AudioEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each format's own tools accept what the encoders write: opusinfo, opusdec, mpg123, flac, sox and ffprobe. */
class CodecToolsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} at {1} Hz")
    @CsvSource({"MP3, 24000, mp3, 24000", "MP3, 44100, mp3, 44100", "MP3, 8000, mp3, 8000",
        "OPUS, 22050, opus, 48000", "FLAC, 22050, flac, 22050", "FLAC, 11025, flac, 11025",
        "AAC, 24000, aac, 24000", "AAC, 8000, aac, 8000", "WAV, 24000, pcm_s16le, 24000",
        "WAV_MULAW, 8000, pcm_mulaw, 8000", "WAV_ALAW, 8000, pcm_alaw, 8000"})
    void ffprobeReportsTheCodecAndRate(AudioEncoding encoding, int rate, String codec, int reportedRate)
            throws Exception {
        ExternalProgram ffprobe = ExternalProgram.require("ffprobe", "ffmpeg");
        Path file = encodeToFile(encoding, rate, 1.5);

        ExternalProgram.Result result = ffprobe.run("-v", "error", "-show_entries",
                "stream=codec_name,sample_rate,channels", "-of", "default=noprint_wrappers=1", file.toString());

        assertThat(result.exitCode()).as("ffprobe %s: %s", file, result.stderr()).isZero();
        assertThat(result.stderr()).as("ffprobe %s", file).isBlank();
        assertThat(parse(result.text())).containsEntry("codec_name", codec)
                .containsEntry("sample_rate", String.valueOf(reportedRate)).containsEntry("channels", "1");
    }

    @Test
    void opusinfoFindsNoFaultInStreamsFlushedOftenRarelyOrEmpty() throws Exception {
        ExternalProgram opusinfo = ExternalProgram.require("opusinfo");
        short[] input = Signals.speechLike(16000, 2.0, 5);
        byte[][] streams = {
            Codecs.encode(AudioEncoding.OPUS, 16000, input, 160, 1),
            Codecs.encode(AudioEncoding.OPUS, 16000, input, 16000, 0),
            Codecs.encode(AudioEncoding.OPUS, 16000, new short[0], 1, 0)};
        double[] seconds = {2.0, 2.0, 0.0};
        for (int i = 0; i < streams.length; i++) {
            Path file = dir.resolve("stream" + i + ".opus");
            Files.write(file, streams[i]);

            ExternalProgram.Result result = opusinfo.run(file.toString());
            String report = result.text() + result.stderr();

            assertThat(result.exitCode()).as(report).isZero();
            assertThat(report.toLowerCase(java.util.Locale.ROOT)).as(report)
                    .doesNotContain("warning").doesNotContain("error").doesNotContain("crc")
                    .doesNotContain("granule").doesNotContain("hole");
            assertThat(report).as(report).contains("Pre-skip: 312").contains("Channels: 1")
                    .contains("Original sample rate: 16000 Hz")
                    .contains(String.format("Playback length: 0m:%06.3fs", seconds[i]))
                    .contains("Logical stream 1 ended");
        }
    }

    @Test
    void opusdecRestoresTheOriginalRateAndExactLength() throws Exception {
        ExternalProgram opusdec = ExternalProgram.require("opusdec");
        short[] input = Signals.speechLike(22050, 1.7, 2);
        Path file = dir.resolve("speech.opus");
        Files.write(file, Codecs.encode(AudioEncoding.OPUS, 22050, input, 2205, 3));
        Path wav = dir.resolve("speech.wav");

        ExternalProgram.Result result = opusdec.run("--quiet", file.toString(), wav.toString());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        Wav decoded = WavFiles.read(wav);
        assertThat(decoded.sampleRate()).isEqualTo(22050);
        assertThat(decoded.frames()).isEqualTo(input.length);
        assertThat(Signals.correlation(input, 0, decoded.samples(), 0, 1000, input.length - 2000))
                .isGreaterThan(0.75);
    }

    @ParameterizedTest(name = "{0} Hz")
    @CsvSource({"8000", "16000", "24000", "48000"})
    void mpg123TestsTheMp3WithoutComplaint(int rate) throws Exception {
        ExternalProgram mpg123 = ExternalProgram.require("mpg123");
        Path file = encodeToFile(AudioEncoding.MP3, rate, 1.5);

        ExternalProgram.Result result = mpg123.run("-t", file.toString());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr().toLowerCase(java.util.Locale.ROOT)).as(result.stderr())
                .doesNotContain("error").doesNotContain("warning").doesNotContain("illegal")
                .contains("decoding of " + file.getFileName() + " finished");
    }

    @Test
    void mp3InVbrModeDecodesToo() throws Exception {
        ExternalProgram mpg123 = ExternalProgram.require("mpg123");
        short[] input = Signals.speechLike(44100, 1.5, 9);
        Path file = dir.resolve("vbr.mp3");
        Files.write(file, Codecs.encode(AudioEncoding.MP3, 44100, input, 4410, 2,
                EncoderOptions.defaults().withMp3Vbr(true).withMp3BitrateKbps(96)));

        ExternalProgram.Result result = mpg123.run("-t", file.toString());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).as(result.stderr()).doesNotContainIgnoringCase("error");
        short[] decoded = Codecs.decode(AudioEncoding.MP3, 44100, Files.readAllBytes(file), 44100);
        int lag = Signals.bestLag(input, decoded, 22050, 11025, 1200);
        assertThat(Signals.correlation(input, 0, decoded, lag, 2000, input.length - 4000)).isGreaterThan(0.95);
    }

    @ParameterizedTest(name = "level {0}")
    @CsvSource({"0", "5", "8"})
    void flacTestsTheStreamWithOnlyTheUnsetMd5Warning(int level) throws Exception {
        ExternalProgram flac = ExternalProgram.require("flac");
        short[] input = Signals.speechLike(24000, 1.5, level);
        Path file = dir.resolve("level" + level + ".flac");
        Files.write(file, Codecs.encode(AudioEncoding.FLAC, 24000, input, 1000, 7,
                EncoderOptions.defaults().withFlacCompressionLevel(level)));

        ExternalProgram.Result result = flac.run("-t", file.toString());

        String report = result.stderr().replace("WARNING, cannot check MD5 signature since it was unset in the "
                + "STREAMINFO", "");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(report).as(result.stderr()).contains("tested " + input.length + " samples")
                .doesNotContainIgnoringCase("error").doesNotContainIgnoringCase("warning");
        assertThat(Codecs.decode(AudioEncoding.FLAC, 24000, Files.readAllBytes(file), 24000)).containsExactly(input);
    }

    @Test
    void soxReadsTheG711WavFiles() throws Exception {
        ExternalProgram sox = ExternalProgram.require("sox");
        short[] input = Signals.speechLike(8000, 1.0, 4);
        for (AudioEncoding encoding : new AudioEncoding[] {AudioEncoding.WAV_MULAW, AudioEncoding.WAV_ALAW}) {
            Path file = dir.resolve(encoding.id() + ".wav");
            Files.write(file, Codecs.encode(encoding, 8000, input, 800, 0));

            ExternalProgram.Result info = sox.run("--i", "-e", file.toString());
            ExternalProgram.Result decoded = sox.run(file.toString(), "-t", "raw", "-e", "signed-integer",
                    "-b", "16", "-L", "-");

            assertThat(info.text().trim()).isEqualTo(encoding == AudioEncoding.WAV_MULAW ? "u-law" : "A-law");
            assertThat(decoded.exitCode()).as(decoded.stderr()).isZero();
            short[] samples = dev.chorus.audio.internal.Pcm16.fromLittleEndian(decoded.stdout(), 0,
                    decoded.stdout().length / 2);
            assertThat(samples).hasSameSizeAs(input);
            assertThat(Signals.correlation(input, 0, samples, 0, 0, input.length)).isGreaterThan(0.999);
        }
    }

    private Path encodeToFile(AudioEncoding encoding, int rate, double seconds) throws Exception {
        Codecs.assumeAvailable(encoding, EncoderOptions.defaults());
        short[] input = Signals.speechLike(rate, seconds, rate);
        Path file = dir.resolve(encoding.id() + "-" + rate + "." + encoding.fileExtension());
        Files.write(file, Codecs.encode(encoding, rate, input, rate / 10, 4));
        return file;
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
