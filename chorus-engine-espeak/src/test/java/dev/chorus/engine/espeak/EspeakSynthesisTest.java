package dev.chorus.engine.espeak;

import dev.chorus.testing.Pcm;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EspeakSynthesisTest {

    private static final String SENTENCE = "The quick brown fox jumps over the lazy dog.";

    private TtsEngine engine;
    private Voice voice;

    @BeforeAll
    void open() {
        EspeakFixture.assumeAvailable();
        engine = EspeakFixture.open(2, Map.of());
        voice = engine.load("espeak:en-us");
    }

    @AfterAll
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private double seconds(double speed) {
        return Pcm.seconds(EspeakFixture.speak(voice, SENTENCE, SynthesisOptions.defaults().withSpeed(speed)), 22_050);
    }

    @Test
    void speedScalesDurationWithinTheLibrarysRange() {
        double normal = seconds(1.0);
        assertThat(seconds(0.5) / normal).isBetween(1.7, 2.3);
        assertThat(normal / seconds(2.0)).isBetween(1.6, 2.4);
        // Past 450 wpm eSpeak compresses time itself; still faster with speed.
        assertThat(seconds(4.0)).isLessThan(seconds(3.0)).isLessThan(seconds(2.0));
    }

    @Test
    void speedsBelowTheLibrarysFloorAllSoundLikeTheFloor() {
        double floor = seconds(80 / 175.0);
        assertThat(seconds(0.25)).isEqualTo(floor);
        assertThat(seconds(0.3)).isEqualTo(floor);
    }

    @Test
    void aLanguageOptionSelectsAnotherVoiceUnlessItIsTheVoicesOwn() {
        short[] own = EspeakFixture.speak(voice, "Guten Morgen", SynthesisOptions.defaults());
        assertThat(EspeakFixture.speak(voice, "Guten Morgen", new SynthesisOptions(1.0, "en-US"))).isEqualTo(own);
        assertThat(EspeakFixture.speak(voice, "Guten Morgen", new SynthesisOptions(1.0, "en"))).isEqualTo(own);
        try (Voice german = engine.load("espeak:de")) {
            assertThat(EspeakFixture.speak(voice, "Guten Morgen", new SynthesisOptions(1.0, "de")))
                    .isEqualTo(EspeakFixture.speak(german, "Guten Morgen", SynthesisOptions.defaults()))
                    .isNotEqualTo(own);
        }
        assertThatThrownBy(() -> EspeakFixture.speak(voice, "Hello", new SynthesisOptions(1.0, "zz")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("language: 'zz'");
        // The check a request gets when it is prepared agrees, before anything is synthesized.
        assertThat(engine.languageReach()).isEqualTo(TtsEngine.LanguageReach.ENGINE);
        for (String spoken : new String[]{"en-US", "en", "en-GB", "de", "de-AT", "cmn", "zh"}) {
            engine.checkLanguage(voice.info(), spoken);
        }
        assertThatThrownBy(() -> engine.checkLanguage(voice.info(), "zz"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("language: 'zz'");
    }

    @Test
    void aSinkThatThrowsGetsItsExceptionBackAndTheEngineKeepsWorking() {
        short[] before = EspeakFixture.speak(voice, SENTENCE, SynthesisOptions.defaults());
        IllegalStateException boom = new IllegalStateException("sink failed");
        assertThatThrownBy(() -> voice.synthesize(SENTENCE, SynthesisOptions.defaults(), (s, o, n) -> {
            throw boom;
        })).isSameAs(boom);
        assertThat(EspeakFixture.speak(voice, SENTENCE, SynthesisOptions.defaults())).isEqualTo(before);
    }

    @Test
    void stoppingOnAnEventEndsBeforeAnyAudio() {
        int[] audioCalls = {0};
        boolean completed = voice.synthesize(SENTENCE, SynthesisOptions.defaults(), new AudioSink() {
            @Override
            public Action onAudio(short[] samples, int offset, int length) {
                audioCalls[0]++;
                return Action.CONTINUE;
            }

            @Override
            public Action onEvent(SynthesisEvent event) {
                return Action.STOP;
            }
        });
        assertThat(completed).isFalse();
        assertThat(audioCalls[0]).isZero();
    }

    @Test
    void aClosedVoiceRefusesWorkWhileOthersGoOn() {
        Voice other = engine.load("espeak:en-us");
        other.close();
        other.close();
        assertThatThrownBy(() -> other.synthesize("Hi.", SynthesisOptions.defaults(), (s, o, n) ->
                AudioSink.Action.CONTINUE)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(EspeakFixture.speak(voice, "Hi.", SynthesisOptions.defaults())).isNotEmpty();
    }
}
