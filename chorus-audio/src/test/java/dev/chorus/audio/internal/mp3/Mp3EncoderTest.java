package dev.chorus.audio.internal.mp3;

import dev.chorus.audio.EncoderOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.OutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The bitrate rules of {@link Mp3Encoder}. */
class Mp3EncoderTest {

    @ParameterizedTest(name = "{1} kbit/s asked at {0} Hz -> {2}")
    @CsvSource({
        "48000, 0, 64", "44100, 0, 64", "32000, 0, 64", "24000, 0, 48", "16000, 0, 48", "11025, 0, 24",
        "8000, 0, 24", "44100, 320, 320", "24000, 320, 160", "8000, 192, 160", "44100, 8, 32",
        "44100, 144, 160", "22050, 144, 144", "16000, 24, 24"})
    void choosesABitrateTheMpegVersionOfTheRateHas(int rate, int requested, int expected) {
        assertThat(Mp3Encoder.bitrateFor(rate, requested)).isEqualTo(expected);
        if (requested != 0) {
            Mp3Encoder encoder = new Mp3Encoder(rate, OutputStream.nullOutputStream(),
                    EncoderOptions.defaults().withMp3BitrateKbps(requested));
            assertThat(encoder.bitrateKbps()).isEqualTo(expected);
            encoder.close();
        }
    }
}
