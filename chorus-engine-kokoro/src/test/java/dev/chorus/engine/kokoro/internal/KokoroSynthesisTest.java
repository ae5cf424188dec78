package dev.chorus.engine.kokoro.internal;

import dev.chorus.engine.kokoro.KokoroFixture;
import dev.chorus.testing.Pcm;
import dev.chorus.testing.kokoro.KokoroTestModel;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Kokoro synthesis on generated models whose audio is a known function of the input: exact sample counts, speed,
 * the style row chosen by the token count, blends as weighted means, both layouts, and broken files named.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class KokoroSynthesisTest {

    /** "hɛlˈoʊ": six symbols of the vocabulary, so 8 tokens with the pads. */
    private static final String HELLO = "hɛlˈoʊ";
    private static final int HELLO_INNER = 6;

    private Path tmp;
    private TtsEngine engine;

    @BeforeAll
    void open(@TempDir Path dir) {
        tmp = dir;
        KokoroTestModel.write(tmp.resolve("sherpa"), KokoroTestModel.Layout.SHERPA, 3, true);
        engine = KokoroFixture.open(tmp.toString(), Map.of());
    }

    @AfterAll
    void close() {
        engine.close();
    }

    private static short[] speak(Voice v, String ipa, double speed) {
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(v.synthesizePhonemes(ipa, SynthesisOptions.defaults().withSpeed(speed), sink)).isTrue();
        return sink.samples();
    }

    private static double peak(short[] pcm) {
        int max = 0;
        for (short s : pcm) {
            max = Math.max(max, Math.abs(s));
        }
        return max / 32767.0;
    }

    @Test
    void listsOneVoicePerSpeakerWithLanguageAndGender() {
        assertThat(engine.voices()).extracting(VoiceInfo::id)
                .containsExactly("kokoro:af_test", "kokoro:bf_test", "kokoro:bm_test");
        VoiceInfo bm = engine.voices().get(2);
        assertThat(bm.language()).isEqualTo("en-GB");
        assertThat(bm.gender()).isEqualTo(dev.chorus.tts.Gender.MALE);
        assertThat(bm.sampleRate()).isEqualTo(24_000);
    }

    @Test
    void samplesAreTokensTimesSamplesPerTokenScaledBySpeed() {
        Voice v = engine.load("kokoro:af_test");
        int tokens = HELLO_INNER + 2;
        assertThat(speak(v, HELLO, 1.0).length).isEqualTo(tokens * KokoroTestModel.samplesPerToken(1.0));
        assertThat(speak(v, HELLO, 2.0).length).isEqualTo(tokens * KokoroTestModel.samplesPerToken(2.0))
                .isEqualTo(tokens * 600);
        assertThat(speak(v, HELLO, 0.7).length).isEqualTo(tokens * KokoroTestModel.samplesPerToken(0.7))
                .isEqualTo(tokens * 1714);
        // Symbols outside the vocabulary are dropped, as Kokoro does.
        assertThat(speak(v, "h€ɛlˈoʊ", 1.0).length).isEqualTo(tokens * KokoroTestModel.SAMPLES_PER_TOKEN);
    }

    @Test
    void styleRowFollowsTheTokenCount() {
        KokoroVoice v = (KokoroVoice) engine.load("kokoro:af_test");
        assertThat(v.styleFor(HELLO_INNER)[0]).isEqualTo((float) KokoroTestModel.styleLevel(0, HELLO_INNER));
        assertThat(peak(speak(v, HELLO, 1.0))).isCloseTo(KokoroTestModel.styleLevel(0, HELLO_INNER), within(2e-4));
        String longer = "hɛlˈoʊ wˈɜːld ænd ˈɔːl";   // 19 symbols and 3 spaces between the pads
        int inner = 22;
        assertThat(speak(v, longer, 1.0).length).isEqualTo((inner + 2) * KokoroTestModel.SAMPLES_PER_TOKEN);
        assertThat(peak(speak(v, longer, 1.0))).isCloseTo(KokoroTestModel.styleLevel(0, inner), within(2e-4));
    }

    @Test
    void blendIsTheWeightedMeanOfStyles() {
        KokoroVoice blend = (KokoroVoice) engine.load("kokoro:af_test(3)+bm_test(1)");
        assertThat(blend.info().id()).isEqualTo("kokoro:af_test(3)+bm_test(1)");
        double expected = 0.75 * KokoroTestModel.styleLevel(0, HELLO_INNER)
                + 0.25 * KokoroTestModel.styleLevel(1, HELLO_INNER);
        assertThat((double) blend.styleFor(HELLO_INNER)[0]).isCloseTo(expected, within(1e-6));
        assertThat(peak(speak(blend, HELLO, 1.0))).isCloseTo(expected, within(2e-4));
        // A missing weight is 1: equal parts.
        KokoroVoice even = (KokoroVoice) engine.load("kokoro:af_test+bf_test");
        assertThat((double) even.styleFor(3)[0]).isCloseTo((KokoroTestModel.styleLevel(0, 3)
                + KokoroTestModel.styleLevel(2, 3)) / 2, within(1e-6));
    }

    @Test
    void badBlendsAndUnknownNamesAreClearErrors() {
        assertThatThrownBy(() -> engine.load("kokoro:af_test(0)+bm_test(1)"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("weight '0'")
                .hasMessageContaining("> 0");
        assertThatThrownBy(() -> engine.load("kokoro:af_test(two)"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("weight 'two'");
        assertThatThrownBy(() -> engine.load("kokoro:af_test(-1)"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("weight '-1'");
        assertThatThrownBy(() -> engine.load("kokoro:af_test++bm_test"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("SPEAKER(WEIGHT)");
        assertThatThrownBy(() -> engine.load("kokoro:af_nobody(1)+bm_test(1)"))
                .isInstanceOf(VoiceNotFoundException.class).hasMessageContaining("af_nobody")
                .hasMessageContaining("kokoro:af_test");
        assertThatThrownBy(() -> engine.load("kokoro:af_test@9"))
                .isInstanceOf(VoiceNotFoundException.class).hasMessageContaining("kokoro:af_test@1");
    }

    @Test
    void voiceFilesLayoutRecognisedByContentsWhateverTheNames(@TempDir Path dir) throws Exception {
        Path voices = dir.resolve("kokoro-v1_0");
        KokoroTestModel.write(voices, KokoroTestModel.Layout.VOICE_FILES, 2, false);
        Files.move(voices.resolve("model.onnx"), voices.resolve("kokoro-v1.0.onnx"));
        // A model of another family in the same directory tree is not Kokoro's concern.
        Files.write(dir.resolve("other.onnx"), new byte[] {8, 8});
        try (TtsEngine e = KokoroFixture.open(dir.toString(), Map.of())) {
            assertThat(e.voices()).extracting(VoiceInfo::id).containsExactly("kokoro:af_test", "kokoro:bm_test");
            assertThat(e.failures()).isEmpty();
            Voice v = e.load("kokoro:bm_test");
            assertThat(peak(speak(v, HELLO, 1.0))).isCloseTo(KokoroTestModel.styleLevel(1, HELLO_INNER),
                    within(2e-4));
            // Blends across two model directories are refused.
            try (TtsEngine both = KokoroFixture.open(dir + File.pathSeparator + tmp, Map.of())) {
                assertThat(both.voices()).extracting(VoiceInfo::id).contains("kokoro:bf_test");
                // The first directory serves the speakers it names; bf_test comes from the second.
                assertThat(both.voices()).extracting(VoiceInfo::id).doesNotHaveDuplicates();
                assertThat(both.load("kokoro:af_test").info().displayName()).contains("kokoro-v1_0");
                assertThatThrownBy(() -> both.load("kokoro:af_test+bf_test"))
                        .isInstanceOf(InvalidInputException.class).hasMessageContaining("two models");
            }
        }
    }

    @Test
    void brokenFilesAreNamedAndHotReloadPicksUpTheFix(@TempDir Path dir) throws Exception {
        Path m = dir.resolve("broken");
        KokoroTestModel.write(m, KokoroTestModel.Layout.SHERPA, 2, false);
        byte[] good = Files.readAllBytes(m.resolve("voices.bin"));
        Files.write(m.resolve("voices.bin"), java.util.Arrays.copyOf(good, good.length - 4));
        try (TtsEngine e = KokoroFixture.open(dir.toString(), Map.of())) {
            assertThat(e.voices()).isEmpty();
            assertThat(e.failures()).containsKey("kokoro:broken");
            assertThat(e.failures().get("kokoro:broken")).contains("voices.bin")
                    .contains("(expected: n_speakers 2 x 510 x 256 floats");
            Files.write(m.resolve("voices.bin"), good);
            e.reload(null);
            assertThat(e.failures()).isEmpty();
            assertThat(e.voices()).extracting(VoiceInfo::id).containsExactly("kokoro:af_test", "kokoro:bm_test");

            Files.writeString(m.resolve("tokens.txt"), "a 1\nno-id-here\n");
            e.reload(null);
            assertThat(e.failures().get("kokoro:broken")).contains("tokens.txt").contains("line 2")
                    .contains("still serving version 1");
            assertThat(e.load("kokoro:af_test").info().version()).isEqualTo("1");
        }
    }
}
