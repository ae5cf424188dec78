package dev.chorus.engine.espeak;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Word and sentence events point at the right text (UTF-16 offsets) and the right audio. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EspeakWordEventsTest {

    private TtsEngine engine;
    private Voice voice;

    @BeforeAll
    void open() {
        EspeakFixture.assumeAvailable();
        engine = EspeakFixture.open(1, Map.of());
        voice = engine.load("espeak:en-us");
    }

    @AfterAll
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void eachWordEventCoversItsWord() {
        String text = "The quick brown fox jumps over the lazy dog.";
        Recorder r = record(text);

        assertThat(r.words(text)).containsExactly("The", "quick", "brown", "fox", "jumps", "over", "the", "lazy",
                "dog");
        assertThat(r.sentences).containsExactly(0);
    }

    @Test
    void offsetsCountUtf16UnitsPastAccentsAndEmoji() {
        String text = "Café naïve 😀 emoji, über words. Second sentence here!";
        Recorder r = record(text);

        // eSpeak names the emoji in words of its own; each event still lands on a whole token of the text.
        assertThat(r.words(text)).containsSubsequence("Café", "naïve", "😀", "emoji", "über", "words", "Second",
                "sentence", "here");
        assertThat(r.words(text)).allSatisfy(w -> assertThat(text).containsPattern(
                "(^|[\\s,.!?])" + Pattern.quote(w) + "($|[\\s,.!?-])"));
        assertThat(r.sentences).containsExactly(0, text.indexOf("Second"));
    }

    @Test
    void wordsKeepOriginalOffsetsWhenGlyphSelectorsAreLeftOut() {
        String text = "I ❤️ my 👍🏽 cat.";
        Recorder r = record(text);

        assertThat(r.words(text)).contains("I", "my", "cat");
        assertThat(r.words(text)).allSatisfy(w -> assertThat(w).doesNotContain("\uFE0F", "\uD83C\uDFFD"));
    }

    @Test
    void eventsArriveInOrderBeforeTheAudioTheyMark() {
        String text = "One two three. Four five six, seven eight nine!";
        Recorder r = record(text);

        long previous = -1;
        for (int i = 0; i < r.wordSamples.size(); i++) {
            long at = r.wordSamples.get(i);
            assertThat(at).isGreaterThanOrEqualTo(previous);
            // Delivered with (before) the buffer that contains it: never beyond the audio received next.
            assertThat(at).isGreaterThanOrEqualTo(r.samplesWhenSent.get(i)).isLessThanOrEqualTo(r.totalSamples);
            previous = at;
        }
        assertThat(r.words(text)).hasSize(9);
        // "Four" starts after "three" ended: the second word's audio starts later than half a second in.
        assertThat(r.wordSamples.get(3)).isGreaterThan(22_050 / 2);
    }

    private Recorder record(String text) {
        Recorder r = new Recorder();
        assertThat(voice.synthesize(text, SynthesisOptions.defaults(), r)).isTrue();
        return r;
    }

    private static final class Recorder implements AudioSink {
        final List<int[]> wordRanges = new ArrayList<>();
        final List<Long> wordSamples = new ArrayList<>();
        final List<Long> samplesWhenSent = new ArrayList<>();
        final List<Integer> sentences = new ArrayList<>();
        long totalSamples;

        @Override
        public Action onAudio(short[] samples, int offset, int length) {
            totalSamples += length;
            return Action.CONTINUE;
        }

        @Override
        public Action onEvent(SynthesisEvent event) {
            switch (event) {
                case SynthesisEvent.Word w -> {
                    wordRanges.add(new int[] {w.textOffset(), w.textLength()});
                    wordSamples.add(w.sampleOffset());
                    samplesWhenSent.add(totalSamples);
                }
                case SynthesisEvent.Sentence s -> sentences.add(s.textOffset());
                case SynthesisEvent.Mark m -> throw new AssertionError("no marks in plain text: " + m);
            }
            return Action.CONTINUE;
        }

        List<String> words(String text) {
            return wordRanges.stream().map(r -> text.substring(r[0], r[0] + r[1])).toList();
        }
    }
}
