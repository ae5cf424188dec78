package dev.chorus.engine.espeak;

import dev.chorus.testing.Pcm;
import dev.chorus.tts.Gender;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EspeakVoicesTest {

    private TtsEngine engine;
    private Map<String, VoiceInfo> voices;

    @BeforeAll
    void open() {
        EspeakFixture.assumeAvailable();
        engine = EspeakFixture.open(1, Map.of());
        voices = engine.voices().stream().collect(Collectors.toMap(VoiceInfo::id, Function.identity()));
    }

    @AfterAll
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void listsEveryInstalledVoiceWithItsLanguage() {
        assertThat(engine.voices()).hasSizeGreaterThan(50);
        assertThat(voices).containsKeys("espeak:en-us", "espeak:en-gb", "espeak:de", "espeak:cmn",
                "espeak:cmn-latn-pinyin", "espeak:yue", "espeak:yue-latn-jyutping");
        assertThat(voices.get("espeak:en-us").language()).isEqualTo("en-US");
        assertThat(voices.get("espeak:en-us").displayName()).isEqualTo("English (America)");
        assertThat(voices.get("espeak:de").language()).isEqualTo("de");
        assertThat(voices.get("espeak:cmn-latn-pinyin").language()).isEqualTo("cmn-Latn-pinyin");
        assertThat(voices.get("espeak:cmn-latn-pinyin").locale().getScript()).isEqualTo("Latn");
        assertThat(voices.get("espeak:yue").language()).isEqualTo("yue");
        assertThat(voices.get("espeak:yue-latn-jyutping").language()).isEqualTo("yue-Latn-jyutping");
    }

    @Test
    void everyVoiceHasWellFormedConsistentMetadata() {
        String version = voices.get("espeak:en-us").version();
        assertThat(version).matches("\\d+\\.\\d+.*");
        for (VoiceInfo v : engine.voices()) {
            assertThat(v.engine()).isEqualTo("espeak");
            assertThat(v.sampleRate()).isEqualTo(22_050);
            assertThat(v.version()).isEqualTo(version);
            assertThat(v.gender()).isIn(Gender.MALE, Gender.FEMALE, Gender.UNKNOWN);
            assertThat(v.localName()).isEqualTo(v.localName().toLowerCase(Locale.ROOT));
            assertThat(new Locale.Builder().setLanguageTag(v.language()).build().getLanguage()).isNotEmpty();
        }
    }

    @Test
    void speaksInTheSelectedLanguage() {
        try (Voice english = engine.load("espeak:en-us"); Voice german = engine.load("espeak:de");
             Voice chinese = engine.load("espeak:cmn")) {
            short[] en = EspeakFixture.speak(english, "Guten Morgen", SynthesisOptions.defaults());
            short[] de = EspeakFixture.speak(german, "Guten Morgen", SynthesisOptions.defaults());
            assertThat(de).isNotEqualTo(en);
            assertThat(EspeakFixture.speak(chinese, "你好，世界。", SynthesisOptions.defaults())).hasSizeGreaterThan(11_025);
        }
    }

    @Test
    void everyInstalledVoiceSpeaksAndPhonemizes() {
        for (VoiceInfo info : engine.voices()) {
            try (Voice voice = engine.load(info.id())) {
                short[] pcm = EspeakFixture.speak(voice, "1 2 3, " + info.displayName(), SynthesisOptions.defaults());
                assertThat(pcm.length).as("samples of %s", info.id()).isGreaterThan(11_025);
                assertThat(Pcm.rms(pcm)).as("RMS of %s", info.id()).isGreaterThan(0.02);
                assertThat(engine.phonemizer().orElseThrow().phonemize("1 2 3.", info.id())).as(info.id())
                        .isNotEmpty();
            }
        }
    }

    @Test
    void emojiWithSelectorsNoLongerCrashTheHindiAndBurmeseVoices() {
        // eSpeak NG 1.51 itself crashes on these about half the time (see SpeakableText); in-process that
        // would kill the test JVM.
        try (Voice hindi = engine.load("espeak:hi"); Voice burmese = engine.load("espeak:my")) {
            for (int i = 0; i < 20; i++) {
                assertThat(EspeakFixture.speak(hindi, "नमस्ते ❤️ 👍🏽 🐰〫 🔥? 🔥!", SynthesisOptions.defaults())).isNotEmpty();
                assertThat(EspeakFixture.speak(burmese, "❤️ 👍🏽", SynthesisOptions.defaults())).isNotEmpty();
            }
        }
    }

    @Test
    void suggestsCloseVoicesForAnUnknownId() {
        assertThatThrownBy(() -> engine.load("espeak:en-uss"))
                .isInstanceOfSatisfying(VoiceNotFoundException.class,
                        e -> assertThat(e.suggestions()).contains("espeak:en-us"));
        assertThatThrownBy(() -> engine.load("hmm:en-us")).isInstanceOf(VoiceNotFoundException.class);
    }
}
