package dev.chorus.testing;

import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The behaviour every engine must show. An engine's test module extends this class and names its provider and a
 * voice; each test here then runs against the real engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
public abstract class EngineConformanceSuite {

    /** English text of a known length; speech at any normal rate lasts between 1.5 and 8 seconds. */
    protected static final String SENTENCE = "The quick brown fox jumps over the lazy dog.";

    private static final List<String> TEXTS = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Pack my box with five dozen liquor jugs.",
            "How vexingly quick daft zebras jump.",
            "Sphinx of black quartz, judge my vow.");

    private TtsEngine engine;
    private Voice voice;

    /** Returns the engine id under test; its provider must be found by {@link ServiceLoader}. */
    protected abstract String engineId();

    /** Returns the id of an English voice of that engine to run the tests with. */
    protected abstract String voiceId();

    /** Returns the native sample rate the voice must report. */
    protected abstract int expectedSampleRate();

    /** Returns whether this engine can run here; the suite fails, saying so, when it cannot. */
    protected boolean available() {
        return true;
    }

    /** Returns how many workers to open the engine with. */
    protected int workers() {
        return 4;
    }

    /**
     * Returns the context to open the engine with; by default the worker count and nothing else. An engine that
     * needs another engine's phonemizer offers one here, as the runtime would.
     */
    protected EngineContext context(int workers) {
        return EngineContext.of(workers);
    }

    @BeforeAll
    final void openEngine() {
        if (!available()) {
            throw new AssertionError("engine '" + engineId() + "' is not available on this machine: install what it"
                    + " needs (scripts/install-test-deps.sh)");
        }
        engine = provider().open(context(workers()));
        voice = engine.load(voiceId());
    }

    @AfterAll
    final void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    /** Returns the provider with {@link #engineId()}, found through {@link ServiceLoader}. */
    protected final TtsEngineProvider provider() {
        return ServiceLoader.load(TtsEngineProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals(engineId()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no TtsEngineProvider with id " + engineId()));
    }

    /** Returns the open engine under test. */
    protected final TtsEngine engine() {
        return engine;
    }

    /** Returns the loaded voice under test. */
    protected final Voice voice() {
        return voice;
    }

    private short[] speak(String text) {
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(voice.synthesize(text, SynthesisOptions.defaults(), sink)).isTrue();
        return sink.samples();
    }

    @Test
    void listsItsVoicesWithValidMetadata() {
        assertThat(engine.id()).isEqualTo(engineId());
        assertThat(engine.voices()).isNotEmpty();
        assertThat(engine.voices()).extracting(VoiceInfo::id).contains(voiceId()).doesNotHaveDuplicates();
        for (VoiceInfo v : engine.voices()) {
            assertThat(v.id()).startsWith(engineId() + ":");
            assertThat(v.engine()).isEqualTo(engineId());
            try {
                assertThat(new Locale.Builder().setLanguageTag(v.language()).build().getLanguage())
                        .as("language of %s", v.id()).isNotEmpty();
            } catch (IllformedLocaleException e) {
                throw new AssertionError("voice " + v.id() + " has an invalid BCP-47 language: " + v.language(), e);
            }
        }
    }

    @Test
    void speaksASentenceAudiblyForAPlausibleTime() {
        short[] pcm = speak(SENTENCE);
        double seconds = Pcm.seconds(pcm, voice.info().sampleRate());
        assertThat(Pcm.rms(pcm)).as("RMS level").isGreaterThan(0.02);
        assertThat(seconds).as("duration of '%s' in seconds", SENTENCE).isBetween(1.5, 8.0);
    }

    @Test
    void reportsItsNativeSampleRate() {
        assertThat(voice.info().sampleRate()).isEqualTo(expectedSampleRate());
        // A longer text yields proportionally more samples at that rate: about 2x the text, 1.5x-2.6x the audio.
        double one = Pcm.seconds(speak(SENTENCE), expectedSampleRate());
        double two = Pcm.seconds(speak(SENTENCE + " " + TEXTS.get(1) + " " + TEXTS.get(2)), expectedSampleRate());
        assertThat(two / one).isBetween(1.5, 3.5);
    }

    @Test
    void slowerSpeedGivesLongerAudio() {
        Pcm.Collector slow = new Pcm.Collector();
        voice.synthesize(SENTENCE, SynthesisOptions.defaults().withSpeed(0.5), slow);
        Pcm.Collector normal = new Pcm.Collector();
        voice.synthesize(SENTENCE, SynthesisOptions.defaults(), normal);
        assertThat((double) slow.samples().length / normal.samples().length).isGreaterThan(1.4);
    }

    @Test
    void stopsPromptlyWhenTheSinkSaysStop() {
        String longText = String.join(" ", TEXTS).repeat(6);
        Pcm.Collector full = new Pcm.Collector();
        voice.synthesize(longText, SynthesisOptions.defaults(), full);

        Pcm.Collector stopping = new Pcm.Collector(1);
        boolean completed = voice.synthesize(longText, SynthesisOptions.defaults(), stopping);

        // What it made, not how long it took (wall time on a shared machine says little): it returned at the
        // first STOP, never called the sink again, and made well under half of the text's audio.
        assertThat(completed).as("synthesize() reports it was stopped").isFalse();
        assertThat(stopping.calledAfterStop()).as("sink called after it returned STOP").isFalse();
        assertThat(stopping.samples().length).isLessThan(full.samples().length / 2);
    }

    @Test
    void concurrentSynthesisMatchesSequential() throws Exception {
        List<short[]> sequential = new ArrayList<>();
        for (String t : TEXTS) {
            sequential.add(speak(t));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 2; round++) {
                List<Future<short[]>> futures = new ArrayList<>();
                for (String t : TEXTS) {
                    futures.add(pool.submit(() -> speak(t)));
                }
                for (int i = 0; i < TEXTS.size(); i++) {
                    assertThat(futures.get(i).get()).as("audio of text %d in round %d", i, round)
                            .isEqualTo(sequential.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wordEventsAreOrderedAndInsideTheAudio() {
        Pcm.Collector sink = new Pcm.Collector();
        voice.synthesize(SENTENCE, SynthesisOptions.defaults(), sink);
        List<SynthesisEvent.Word> words = sink.events().stream()
                .filter(SynthesisEvent.Word.class::isInstance).map(SynthesisEvent.Word.class::cast).toList();
        assumeTrue(!words.isEmpty(), "engine reports no word events");
        long previous = -1;
        for (SynthesisEvent.Word w : words) {
            assertThat(w.textOffset()).isBetween(0, SENTENCE.length() - 1);
            assertThat(w.textOffset() + w.textLength()).isLessThanOrEqualTo(SENTENCE.length());
            assertThat(w.sampleOffset()).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(sink.samples().length);
            previous = w.sampleOffset();
        }
        assertThat(words.size()).isBetween(6, 12);
    }

    @Test
    void rejectsBadInputWithAClearError() {
        assertThatThrownBy(() -> voice.synthesize("", SynthesisOptions.defaults(), new Pcm.Collector()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> voice.synthesize("   \n ", SynthesisOptions.defaults(), new Pcm.Collector()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> voice.synthesize("a".repeat(100_000), SynthesisOptions.defaults(),
                new Pcm.Collector()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("100000");
        assertThatThrownBy(() -> voice.synthesize("hello \u0007 world", SynthesisOptions.defaults(),
                new Pcm.Collector()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("U+0007");
        assertThatThrownBy(() -> engine.load(engineId() + ":no-such-voice"))
                .isInstanceOf(VoiceNotFoundException.class).hasMessageContaining("no-such-voice");
    }

    @Test
    void closesCleanlyAndCanReopen() {
        TtsEngine second = provider().open(context(1));
        Voice v = second.load(voiceId());
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(v.synthesize("Hello.", SynthesisOptions.defaults(), sink)).isTrue();
        assertThat(Pcm.rms(sink.samples())).isGreaterThan(0.01);
        second.close();
        second.close(); // idempotent
        assertThatThrownBy(() -> v.synthesize("Hello.", SynthesisOptions.defaults(), new Pcm.Collector()))
                .isInstanceOf(IllegalStateException.class);
        // The engine under test keeps working after a sibling instance closed.
        assertThat(Pcm.rms(speak("Still here."))).isGreaterThan(0.01);
    }
}
