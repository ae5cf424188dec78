package dev.chorus.asr.pocketsphinx;

import dev.chorus.asr.CheckSentences;
import dev.chorus.asr.Recognizer;
import dev.chorus.asr.Transcript;
import dev.chorus.asr.WordErrorRate;
import dev.chorus.engine.hmm.HmmEngineProvider;
import dev.chorus.testing.Pcm;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PocketSphinx listens to the default voice: the built-in English check sentences, spoken by the HMM voice, come
 * back with a corpus word error rate of at most 0.10; silence and white noise come back as no words.
 */
@Timeout(120)
class PocketSphinxRecognizerTest {

    private static TtsEngine engine;
    private static Voice voice;
    private static Recognizer recognizer;

    @BeforeAll
    static void open() {
        engine = new HmmEngineProvider().open(EngineContext.of(2));
        voice = engine.load("hmm:cmu-slt-hsmm");
        recognizer = new PocketSphinxProvider().open(2, Map.of());
    }

    @AfterAll
    static void close() {
        if (recognizer != null) {
            recognizer.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void understandsTheDefaultVoiceSpeakingEverydaySentences() throws Exception {
        List<String> sentences = CheckSentences.builtIn("en-US").orElseThrow();
        assertThat(sentences).hasSize(20);
        int rate = voice.info().sampleRate();
        List<short[]> audio = new ArrayList<>();
        for (String s : sentences) {
            Pcm.Collector sink = new Pcm.Collector();
            assertThat(voice.synthesize(s, SynthesisOptions.defaults(), sink)).isTrue();
            audio.add(sink.samples());
        }
        // Two threads at once: each gets its own decoder, and the results do not depend on it.
        List<Transcript> heard = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<Transcript>> futures = new ArrayList<>();
            for (short[] a : audio) {
                futures.add(pool.submit(() -> recognizer.recognize(a, rate)));
            }
            for (Future<Transcript> f : futures) {
                heard.add(f.get());
            }
        }
        WordErrorRate corpus = WordErrorRate.NONE;
        long audioMillis = 0;
        long nanos = 0;
        for (int i = 0; i < sentences.size(); i++) {
            WordErrorRate w = WordErrorRate.of(sentences.get(i), heard.get(i).text());
            corpus = corpus.plus(w);
            audioMillis += heard.get(i).audioMillis();
            nanos += heard.get(i).elapsedNanos();
            System.out.printf("%.2f | %s | %s%n", w.rate(), sentences.get(i), heard.get(i).text());
        }
        System.out.printf("corpus WER %.3f (%d errors / %d words); recognizer %.3f s per second of audio%n",
                corpus.rate(), corpus.errors(), corpus.referenceWords(), nanos / 1e6 / audioMillis);
        assertThat(corpus.rate()).as("corpus word error rate").isLessThanOrEqualTo(0.10);

        Transcript first = heard.getFirst();
        assertThat(first.words()).isNotEmpty();
        assertThat(first.words()).allSatisfy(w -> {
            assertThat(w.endMillis()).isLessThanOrEqualTo(first.audioMillis() + 50);
            assertThat(w.confidence()).isBetween(0.0, 1.0);
        });
        assertThat(first.words()).extracting(w -> w.startMillis()).isSorted();
    }

    @Test
    void silenceIsNoWords() {
        assertThat(recognizer.recognize(new short[48_000 * 2], 48_000).words()).isEmpty();
    }

    @Test
    void whiteNoiseIsNoWords() {
        Random random = new Random(19);
        short[] noise = new short[16_000 * 3];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (short) Math.round(random.nextGaussian() * 3000);
        }
        assertThat(recognizer.recognize(noise, 16_000).text()).isEmpty();
    }

    @Test
    void aMissingModelSaysWhatToInstall() {
        assertThatThrownBy(() -> new PocketSphinxProvider().open(1, Map.of("model", "/nonexistent/model")))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("pocketsphinx.model")
                .hasMessageContaining("apt-get install libpocketsphinx3 pocketsphinx-en-us");
        assertThatThrownBy(() -> new PocketSphinxProvider().open(1, Map.of("library", "/nonexistent/lib.so")))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("pocketsphinx.library");
    }
}
