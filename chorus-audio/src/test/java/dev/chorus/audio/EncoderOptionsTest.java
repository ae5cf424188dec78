package dev.chorus.audio;

import dev.chorus.testing.Signals;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Validation and effect of {@link EncoderOptions}, and the availability checks of {@link AudioEncoders}. */
class EncoderOptionsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreSpeechFriendly() {
        EncoderOptions d = EncoderOptions.defaults();
        assertThat(d.mp3BitrateKbps()).isZero();
        assertThat(d.mp3Vbr()).isFalse();
        assertThat(d.opusBitrateKbps()).isEqualTo(32);
        assertThat(d.opusApplication()).isEqualTo(EncoderOptions.OpusApplication.VOIP);
        assertThat(d.opusComplexity()).isEqualTo(5);
        assertThat(d.flacCompressionLevel()).isEqualTo(5);
        assertThat(d.aacBitrateKbps()).isEqualTo(64);
        assertThat(d.ffmpegProgram()).isEqualTo("ffmpeg");
        assertThat(d.withOpusBitrateKbps(24).withOpusBitrateKbps(32)).isEqualTo(d);
    }

    @Test
    void rejectsOutOfRangeSettingsNamingThem() {
        EncoderOptions d = EncoderOptions.defaults();
        assertThatThrownBy(() -> d.withMp3BitrateKbps(100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mp3BitrateKbps: 100 (expected: 0 for the default, or one of: 8, 16, 24, 32, 40, 48, 56,"
                        + " 64, 80, 96, 112, 128, 144, 160, 192, 224, 256, 320)");
        assertThatThrownBy(() -> d.withOpusBitrateKbps(5)).hasMessage("opusBitrateKbps: 5 (expected: 6 to 510)");
        assertThatThrownBy(() -> d.withOpusComplexity(11)).hasMessage("opusComplexity: 11 (expected: 0 to 10)");
        assertThatThrownBy(() -> d.withFlacCompressionLevel(-1))
                .hasMessage("flacCompressionLevel: -1 (expected: 0 to 8)");
        assertThatThrownBy(() -> d.withAacBitrateKbps(8)).hasMessage("aacBitrateKbps: 8 (expected: 16 to 320)");
        assertThatThrownBy(() -> d.withFfmpegProgram(" "))
                .hasMessage("ffmpegProgram: ' ' (expected: a command name or path)");
        assertThatThrownBy(() -> d.withOpusApplication(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("opusApplication");
        assertThatThrownBy(() -> AudioEncoder.create(AudioEncoding.MP3, 24000, OutputStream.nullOutputStream(),
                null)).isInstanceOf(NullPointerException.class).hasMessage("options");
    }

    @Test
    void bitratesShapeTheStreamSize() throws Exception {
        short[] input = Signals.speechLike(24000, 1.0, 1);
        int mp3At32 = Codecs.encode(AudioEncoding.MP3, 24000, input, 2400, 0,
                EncoderOptions.defaults().withMp3BitrateKbps(32)).length;
        int mp3At128 = Codecs.encode(AudioEncoding.MP3, 24000, input, 2400, 0,
                EncoderOptions.defaults().withMp3BitrateKbps(128)).length;
        // CBR: 1 s plus LAME's delay and padding, under 1.15 s.
        assertThat(mp3At32).isBetween(32_000 / 8, 32_000 / 8 * 115 / 100);
        assertThat(mp3At128).isBetween(128_000 / 8, 128_000 / 8 * 115 / 100);

        int opusAt12 = Codecs.encode(AudioEncoding.OPUS, 24000, input, 2400, 0,
                EncoderOptions.defaults().withOpusBitrateKbps(12)).length;
        int opusAt64 = Codecs.encode(AudioEncoding.OPUS, 24000, input, 2400, 0,
                EncoderOptions.defaults().withOpusBitrateKbps(64).withOpusApplication(
                        EncoderOptions.OpusApplication.AUDIO).withOpusComplexity(10)).length;
        assertThat(opusAt12).isBetween(12_000 / 8 * 8 / 10, 12_000 / 8 * 13 / 10);
        assertThat(opusAt64).isBetween(64_000 / 8 * 6 / 10, 64_000 / 8 * 13 / 10);

        int flacFast = Codecs.encode(AudioEncoding.FLAC, 24000, input, 2400, 0,
                EncoderOptions.defaults().withFlacCompressionLevel(0)).length;
        int flacBest = Codecs.encode(AudioEncoding.FLAC, 24000, input, 2400, 0,
                EncoderOptions.defaults().withFlacCompressionLevel(8)).length;
        assertThat(flacBest).isLessThan(flacFast).isLessThan(2 * input.length);
    }

    @Test
    void aacBitrateShapesTheStreamSize() throws Exception {
        short[] input = Signals.speechLike(24000, 1.0, 1);
        EncoderOptions low = EncoderOptions.defaults().withAacBitrateKbps(24);
        EncoderOptions high = EncoderOptions.defaults().withAacBitrateKbps(96);
        int small = Codecs.encode(AudioEncoding.AAC, 24000, input, 2400, 0, low).length;
        int large = Codecs.encode(AudioEncoding.AAC, 24000, input, 2400, 0, high).length;
        assertThat(small).isBetween(24_000 / 8 * 7 / 10, 24_000 / 8 * 14 / 10);
        assertThat(large).isGreaterThan(2 * small);
    }

    @Test
    void aacWithoutFfmpegIsUnavailableWithAReasonAndRejectedAsBadInput() {
        EncoderOptions missing = EncoderOptions.defaults().withFfmpegProgram(dir.resolve("no-ffmpeg").toString());

        assertThat(AudioEncoders.available(AudioEncoding.AAC, missing)).isFalse();
        assertThat(AudioEncoders.available(AudioEncoding.MP3, missing)).isTrue();
        assertThat(AudioEncoders.unavailableReason(AudioEncoding.OPUS, missing)).isEmpty();
        assertThat(AudioEncoders.unavailableReason(AudioEncoding.AAC, missing)).contains(
                "aac needs the ffmpeg program, which was not found at " + dir.resolve("no-ffmpeg")
                        + " (install the Debian package ffmpeg, or configure its path)");
        assertThatThrownBy(() -> AudioEncoder.create(AudioEncoding.AAC, 24000, OutputStream.nullOutputStream(),
                missing))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.param()).isEqualTo("response_format"))
                .hasMessageStartingWith("response_format: aac needs the ffmpeg program, which was not found at ");
    }

    @Test
    void anFfmpegThatFailsOrLacksTheEncoderIsUnavailable() throws Exception {
        Path failing = script("failing", "echo 'ffmpeg: broken install' >&2; exit 3");
        Path noAac = script("no-aac", "echo ' A..... mp2   MP2'; exit 0");

        assertThat(AudioEncoders.unavailableReason(AudioEncoding.AAC,
                EncoderOptions.defaults().withFfmpegProgram(failing.toString())))
                .contains("aac needs the ffmpeg program, but '" + failing + " -encoders' failed (exit 3: "
                        + "ffmpeg: broken install)");
        assertThat(AudioEncoders.unavailableReason(AudioEncoding.AAC,
                EncoderOptions.defaults().withFfmpegProgram(noAac.toString())))
                .contains("aac needs the ffmpeg program with its aac encoder, which '" + noAac
                        + " -encoders' does not list");
    }

    @Test
    void anFfmpegFailureWhileEncodingIsReportedWithItsMessages() throws Exception {
        Path fake = script("fake-ffmpeg", """
                case "$*" in *-encoders*) echo ' A..... aac    AAC (Advanced Audio Coding)'; exit 0;; esac
                echo 'Unknown encoder: pretend failure' >&2
                exit 1""");
        EncoderOptions options = EncoderOptions.defaults().withFfmpegProgram(fake.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudioEncoder encoder = AudioEncoder.create(AudioEncoding.AAC, 24000, out, options);
        short[] samples = new short[24000];

        assertThatThrownBy(() -> {
            for (int i = 0; i < 20; i++) {
                encoder.write(samples, 0, samples.length);
            }
            encoder.finish();
        }).isInstanceOf(java.io.IOException.class).hasMessageContaining("Unknown encoder: pretend failure")
                .hasMessageContaining("exit 1");
        assertThat(out.size()).isZero();
    }

    @Test
    void anEmptyAacStreamIsEmpty() throws Exception {
        Codecs.assumeAvailable(AudioEncoding.AAC, EncoderOptions.defaults());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AudioEncoder encoder = AudioEncoder.create(AudioEncoding.AAC, 16000, out)) {
            encoder.write(new short[0], 0, 0);
            encoder.finish();
        }
        assertThat(out.size()).isZero();
    }

    private Path script(String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
