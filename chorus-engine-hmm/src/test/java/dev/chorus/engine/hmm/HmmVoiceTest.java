package dev.chorus.engine.hmm;

import dev.chorus.testing.Pcm;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a listener notices about the MaryTTS voice beyond the conformance suite. */
class HmmVoiceTest {

    private static final int RATE = 48_000;
    private static TtsEngine engine;
    private static Voice voice;

    @BeforeAll
    static void open() {
        engine = new HmmEngineProvider().open(EngineContext.of(2));
        voice = engine.load("hmm:cmu-slt-hsmm");
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void describesTheVoice() {
        assertThat(voice.info().id()).isEqualTo("hmm:cmu-slt-hsmm");
        assertThat(voice.info().language()).isEqualTo("en-US");
        assertThat(voice.info().gender()).isEqualTo(dev.chorus.tts.Gender.FEMALE);
        assertThat(voice.info().sampleRate()).isEqualTo(RATE);
        assertThat(voice.info().version()).isEqualTo("5.2.1");
        assertThat(engine.description()).contains("MaryTTS 5.2.1");
    }

    @Test
    void wordEventsPointAtTheSpokenWords() {
        String text = "Dr. Smith paid 42 dollars. Then she left!";
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(voice.synthesize(text, SynthesisOptions.defaults(), sink)).isTrue();

        List<SynthesisEvent.Word> words = sink.events().stream().filter(SynthesisEvent.Word.class::isInstance)
                .map(SynthesisEvent.Word.class::cast).toList();
        assertThat(words).extracting(w -> text.substring(w.textOffset(), w.textOffset() + w.textLength()))
                .containsExactly("Dr.", "Smith", "paid", "42", "dollars", "Then", "she", "left");
        // Words are spread over the audio, not bunched at its start.
        long last = words.getLast().sampleOffset();
        assertThat(last).isGreaterThan(sink.samples().length / 2);
        assertThat(words).extracting(SynthesisEvent::sampleOffset).isSorted();
    }

    @Test
    void reportsEachSentenceWhereItsAudioStarts() {
        String text = "One sentence here. And another one!";
        Pcm.Collector sink = new Pcm.Collector();
        voice.synthesize(text, SynthesisOptions.defaults(), sink);

        List<SynthesisEvent.Sentence> sentences = sink.events().stream()
                .filter(SynthesisEvent.Sentence.class::isInstance).map(SynthesisEvent.Sentence.class::cast).toList();
        assertThat(sentences).extracting(SynthesisEvent.Sentence::textOffset).containsExactly(0, 19);
        assertThat(sentences.get(0).sampleOffset()).isZero();
        assertThat(sentences.get(1).sampleOffset()).isBetween((long) RATE / 2, (long) sink.samples().length);
    }

    @Test
    void speedScalesTheDurationAtBothEndsOfTheRange() {
        String text = "The quick brown fox jumps over the lazy dog.";
        int normal = samples(text, 1.0);
        // Past 1.5x MaryTTS's own rate control saturates; the rest is a time-stretch, so the ratio holds.
        assertThat((double) samples(text, 2.0) / normal).isBetween(0.45, 0.56);
        assertThat((double) samples(text, 4.0) / normal).isBetween(0.22, 0.29);
        assertThat((double) samples(text, 0.5) / normal).isBetween(1.9, 2.1);
    }

    @Test
    void wordEventsFollowTheStretchedAudio() {
        String text = "Dr. Smith paid 42 dollars. Then she left!";
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(voice.synthesize(text, SynthesisOptions.defaults().withSpeed(3.0), sink)).isTrue();
        List<Long> offsets = sink.events().stream().filter(SynthesisEvent.Word.class::isInstance)
                .map(e -> e.sampleOffset()).toList();
        assertThat(offsets).hasSize(8).isSorted();
        assertThat(offsets.getLast()).isBetween(sink.samples().length / 2L, (long) sink.samples().length);
    }

    @Test
    void sameTextGivesTheSameSamplesEveryTime() {
        Pcm.Collector a = new Pcm.Collector();
        Pcm.Collector b = new Pcm.Collector();
        voice.synthesize("Determinism matters for caching.", SynthesisOptions.defaults(), a);
        voice.synthesize("Determinism matters for caching.", SynthesisOptions.defaults(), b);
        assertThat(a.samples()).isEqualTo(b.samples());
    }

    @Test
    void speaksTextThatXmlCannotCarry() {
        Pcm.Collector sink = new Pcm.Collector();
        String text = "Tom & Jerry <3 \"quotes\" \uFFFF and \uD83D\uDE00 emoji.";
        assertThat(voice.synthesize(text, SynthesisOptions.defaults(), sink)).isTrue();
        assertThat(Pcm.rms(sink.samples())).isGreaterThan(0.02);
    }

    @Test
    void toleratesSentencesOfSymbolsAlone() {
        for (String text : List.of("...", "!!!", "\u2014", "&", "?", "(", "\uFFFF", "1", "a")) {
            assertThat(voice.synthesize(text, SynthesisOptions.defaults(), new Pcm.Collector())).as(text).isTrue();
        }
    }

    @Test
    void anInterruptCancelsTheSynthesisAndKeepsTheFlag() {
        AudioSink interruptingSink = (samples, offset, length) -> {
            Thread.currentThread().interrupt();
            return AudioSink.Action.CONTINUE;
        };
        try {
            assertThatThrownBy(() -> voice.synthesize("First sentence is long enough. Second one too.",
                    SynthesisOptions.defaults(), interruptingSink))
                    .isInstanceOf(SynthesisCancelledException.class).hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        Pcm.Collector after = new Pcm.Collector();
        assertThat(voice.synthesize("Still fine.", SynthesisOptions.defaults(), after)).isTrue();
        assertThat(Pcm.rms(after.samples())).isGreaterThan(0.02);
    }

    @Test
    void rejectsALanguageItCannotSpeak() {
        assertThatThrownBy(() -> voice.synthesize("Bonjour.", new SynthesisOptions(1.0, "fr-FR"),
                new Pcm.Collector()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("language: fr-FR (expected: en or en-US");
        assertThat(voice.synthesize("Hello.", new SynthesisOptions(1.0, "en-GB"), new Pcm.Collector())).isTrue();
        // The check a request gets when it is prepared agrees, before anything is synthesized.
        assertThat(engine.languageReach()).isEqualTo(TtsEngine.LanguageReach.VOICE);
        assertThatThrownBy(() -> engine.checkLanguage(voice.info(), "fr-FR"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("language: fr-FR (expected: en or en-US for voice hmm:cmu-slt-hsmm)");
        engine.checkLanguage(voice.info(), "en-GB");
        engine.checkLanguage(voice.info(), "en_US");
    }

    private static int samples(String text, double speed) {
        Pcm.Collector sink = new Pcm.Collector();
        voice.synthesize(text, SynthesisOptions.defaults().withSpeed(speed), sink);
        return sink.samples().length;
    }
}
