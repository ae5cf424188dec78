package dev.chorus.engine.espeak;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads, many texts, several voices and speeds, interrupted syntheses and phonemization mixed together:
 * every result must equal the one computed alone, in both isolation modes.
 */
class EspeakConcurrencyStressTest {

    private static final int THREADS = 4;
    private static final int ROUNDS = 4;

    @BeforeAll
    static void requireEspeak() {
        EspeakFixture.assumeAvailable();
    }

    @ParameterizedTest(name = "isolation={0}")
    @ValueSource(strings = {"copies", "lock"})
    @Timeout(240)
    void concurrentResultsEqualSequentialResults(String isolation) throws Exception {
        try (TtsEngine engine = EspeakFixture.open(3, Map.of(EspeakEngineProvider.ISOLATION, isolation))) {
            assertThat(engine.description()).contains(isolation.equals("lock") ? "one instance behind a lock"
                    : "3 private copies");
            List<Function<TtsEngine, String>> jobs = jobs();
            List<String> expected = new ArrayList<>();
            for (Function<TtsEngine, String> job : jobs) {
                expected.add(job.apply(engine));
            }
            assertThat(expected).doesNotHaveDuplicates();

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                Random random = new Random(42);
                for (int round = 0; round < ROUNDS; round++) {
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < jobs.size(); i++) {
                        order.add(i);
                    }
                    Collections.shuffle(order, random);
                    List<Future<String>> results = new ArrayList<>();
                    for (int i : order) {
                        results.add(pool.submit(() -> jobs.get(i).apply(engine)));
                    }
                    for (int k = 0; k < order.size(); k++) {
                        assertThat(results.get(k).get()).as("job %d in round %d", order.get(k), round)
                                .isEqualTo(expected.get(order.get(k)));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static List<Function<TtsEngine, String>> jobs() {
        SynthesisOptions normal = SynthesisOptions.defaults();
        return List.of(
                speak("espeak:en-us", "The quick brown fox jumps over the lazy dog.", normal),
                speak("espeak:en-us", "Pack my box with five dozen liquor jugs.", normal),
                speak("espeak:en-us", "How vexingly quick daft zebras jump!", normal),
                speak("espeak:en-us", "Sphinx of black quartz, judge my vow. It is 10:45 on 3 May 2024.", normal),
                speak("espeak:en-us", "Slowly, very slowly.", normal.withSpeed(0.5)),
                speak("espeak:en-us", "Quickly, at a rate the library compresses with sonic.", normal.withSpeed(3.0)),
                speak("espeak:en-us", "Switching language: Привет, мир. Bonjour.", normal),
                speak("espeak:de", "Wir haben ein Meeting mit dem Team, okay? Das Wetter ist schön.", normal),
                speak("espeak:cmn", "你好，世界。我们用 Java 写代码。", normal),
                speak("espeak:fr-fr", "Le week-end, je lis un best-seller au café.", normal),
                stopAfter("espeak:en-us", "This long sentence is stopped by its sink after the third buffer, "
                        + "so only its first words are ever heard.", 3),
                phonemize("Hello, world. How are you today?", "en-us"),
                phonemize("Guten Tag, wie geht es Ihnen?", "de"));
    }

    private static Function<TtsEngine, String> speak(String voiceId, String text, SynthesisOptions options) {
        return engine -> {
            try (Voice voice = engine.load(voiceId)) {
                return digest(EspeakFixture.speak(voice, text, options));
            }
        };
    }

    private static Function<TtsEngine, String> stopAfter(String voiceId, String text, int buffers) {
        return engine -> {
            try (Voice voice = engine.load(voiceId)) {
                EspeakFixture.Samples all = new EspeakFixture.Samples();
                int[] count = {0};
                boolean completed = voice.synthesize(text, SynthesisOptions.defaults(), new AudioSink() {
                    @Override
                    public Action onAudio(short[] samples, int offset, int length) {
                        all.onAudio(samples, offset, length);
                        return ++count[0] >= buffers ? Action.STOP : Action.CONTINUE;
                    }
                });
                assertThat(completed).isFalse();
                return digest(all.samples());
            }
        };
    }

    private static Function<TtsEngine, String> phonemize(String text, String language) {
        return engine -> engine.phonemizer().orElseThrow().phonemize(text, language).toString();
    }

    private static String digest(short[] samples) {
        assertThat(samples).isNotEmpty();
        return samples.length + ":" + Arrays.hashCode(samples);
    }
}
