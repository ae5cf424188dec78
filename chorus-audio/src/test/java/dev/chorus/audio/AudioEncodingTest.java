package dev.chorus.audio;

import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Names, media types, file extensions and rate rules of {@link AudioEncoding}. */
class AudioEncodingTest {

    @Test
    void describesEveryFormat() {
        assertThat(Arrays.stream(AudioEncoding.values()).map(e -> e.id() + " " + e.mediaType() + " ."
                + e.fileExtension())).containsExactly(
                "wav audio/wav .wav", "pcm audio/pcm .pcm", "mp3 audio/mpeg .mp3", "opus audio/ogg .opus",
                "flac audio/flac .flac", "aac audio/aac .aac", "mulaw audio/basic .ulaw",
                "alaw audio/x-alaw-basic .alaw", "wav_mulaw audio/wav .wav", "wav_alaw audio/wav .wav");
    }

    @Test
    void parsesNamesCaseInsensitivelyAndListsThemAllWhenItCannot() {
        assertThat(AudioEncoding.parse(" Wav_MuLaw ")).isEqualTo(AudioEncoding.WAV_MULAW);
        assertThat(AudioEncoding.parse("OPUS")).isEqualTo(AudioEncoding.OPUS);
        assertThatThrownBy(() -> AudioEncoding.parse("ogg"))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.param()).isEqualTo("response_format"))
                .hasMessage("response_format: 'ogg' (expected one of: wav, pcm, mp3, opus, flac, aac, mulaw, alaw,"
                        + " wav_mulaw, wav_alaw)");
        assertThatThrownBy(() -> AudioEncoding.parse(null)).isInstanceOf(InvalidInputException.class);
    }

    @ParameterizedTest(name = "{0}: requested {1}, native {2} -> {3}")
    @CsvSource({
        "WAV, 0, 22050, 22050", "WAV, 48000, 22050, 48000", "PCM, 0, 16000, 16000",
        "WAV, 0, 12000, 16000", "FLAC, 0, 96000, 48000", "MP3, 0, 22050, 22050", "MP3, 0, 12000, 16000",
        "MP3, 8000, 22050, 8000", "OPUS, 0, 22050, 22050", "OPUS, 44100, 16000, 44100", "AAC, 0, 24000, 24000",
        "MULAW, 0, 22050, 8000", "ALAW, 0, 48000, 8000", "WAV_MULAW, 8000, 16000, 8000",
        "WAV_ALAW, 0, 4000, 8000"})
    void choosesTheOutputRate(AudioEncoding encoding, int requested, int nativeRate, int expected) {
        assertThat(encoding.outputRate(requested, nativeRate)).isEqualTo(expected);
        assertThat(encoding.supportsSampleRate(expected)).isTrue();
    }

    @Test
    void rejectsARateTheFormatCannotCarryListingTheOnesItCan() {
        assertThatThrownBy(() -> AudioEncoding.MULAW.outputRate(44100, 22050))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.param()).isEqualTo("sample_rate"))
                .hasMessage("sample_rate: 44100 is not valid for mulaw (expected one of: 8000)");
        assertThatThrownBy(() -> AudioEncoding.MP3.outputRate(12000, 22050))
                .hasMessage("sample_rate: 12000 is not valid for mp3 (expected one of: 8000, 11025, 16000, 22050,"
                        + " 24000, 32000, 44100, 48000)");
        assertThatThrownBy(() -> AudioEncoding.WAV.outputRate(-1, 22050))
                .hasMessageStartingWith("sample_rate: -1 is not valid for wav");
    }

    @Test
    void everyFormatCarriesItsRatesAndNoOthers() {
        for (AudioEncoding e : AudioEncoding.values()) {
            boolean g711 = e.id().contains("law");
            assertThat(e.sampleRates()).as(e.id()).isEqualTo(g711 ? java.util.List.of(8000)
                    : java.util.List.of(8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000));
            assertThat(e.supportsSampleRate(12000)).isFalse();
        }
    }

    @Test
    void encodersRejectRatesTheirFormatCannotCarry() {
        assertThatThrownBy(() -> AudioEncoder.create(AudioEncoding.WAV_MULAW, 16000,
                java.io.OutputStream.nullOutputStream()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("sample_rate: 16000 is not valid for wav_mulaw (expected one of: 8000)");
        assertThatThrownBy(() -> AudioEncoder.create(AudioEncoding.OPUS, 12000,
                java.io.OutputStream.nullOutputStream()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("sample_rate: 12000 is not valid for opus");
        assertThatThrownBy(() -> AudioEncoder.create(AudioEncoding.FLAC, 3000,
                java.io.OutputStream.nullOutputStream()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sampleRate: 3000 (expected: 4000 to 192000)");
        // WAV and PCM keep taking any supported rate.
        assertThat(AudioEncoder.create(AudioEncoding.WAV, 12345, java.io.OutputStream.nullOutputStream())
                .sampleRate()).isEqualTo(12345);
    }
}
