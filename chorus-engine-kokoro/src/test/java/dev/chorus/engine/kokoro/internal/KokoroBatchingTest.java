package dev.chorus.engine.kokoro.internal;

import dev.chorus.engine.kokoro.KokoroFixture;
import dev.chorus.onnx.batch.Batcher;
import dev.chorus.testing.Pcm;
import dev.chorus.testing.kokoro.KokoroTestModel;
import dev.chorus.testing.kokoro.KokoroTestModel.Layout;
import dev.chorus.testing.kokoro.KokoroTestModel.Speed;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent Kokoro sentences of one model run as batches (ids padded, one style row and speed per item, audio cut
 * back by each item's durations) and give exactly the audio they give alone; models that cannot report lengths
 * never batch.
 */
@Timeout(60)
class KokoroBatchingTest {

    /** A request: voice, phonemes, speed. */
    private record Request(String voice, String ipa, double speed) {
    }

    /** Different lengths (two length buckets), speakers, a blend and speeds. */
    private static final List<Request> REQUESTS = List.of(
            new Request("kokoro:af_test", "hɛlˈoʊ", 1.0),
            new Request("kokoro:bm_test", "wˈɜːld", 1.0),
            new Request("kokoro:af_test(2)+bf_test(1)", "ðə kwˈɪk bɹˈaʊn fˈɑːks", 1.0),
            new Request("kokoro:bf_test", "dʒˈʌmps", 1.3),
            new Request("kokoro:af_test", "ˌoʊvɚ ðə lˈeɪzi dˈɑːɡ", 0.8),
            new Request("kokoro:bm_test", "æ", 1.3),
            new Request("kokoro:af_test+bm_test", "sfˈɪŋks ʌv blˈæk kwˈɔːɹts dʒˈʌdʒ maɪ vˈaʊ", 1.0),
            new Request("kokoro:bf_test", "pˈæk maɪ bˈɑːks", 0.8));

    private static final Tokens TOKENS = Tokens.parse(KokoroTestModel.tokens());

    private static short[] speak(Voice v, String ipa, double speed) {
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(v.synthesizePhonemes(ipa, SynthesisOptions.defaults().withSpeed(speed), sink)).isTrue();
        return sink.samples();
    }

    private static int expectedSamples(Request r) {
        return TOKENS.encode(r.ipa()).ids().length * KokoroTestModel.batchedFramesPerToken(r.speed())
                * KokoroTestModel.BATCHED_HOP;
    }

    private static KokoroModel model(TtsEngine engine, String speaker) {
        try (KokoroVoice v = (KokoroVoice) engine.load(speaker)) {
            return v.model();
        }
    }

    @ParameterizedTest
    @EnumSource(Speed.class)
    void batchedAudioEqualsUnbatchedAudio(Speed speed, @TempDir Path dir) throws Exception {
        KokoroTestModel.writeBatched(dir.resolve("batch"), Layout.SHERPA, 3, speed, true, 2);
        try (TtsEngine alone = KokoroFixture.open(dir.toString(), Map.of("kokoro.batch.max-size", "1"));
             // One run at a time: sentences that arrive while one runs queue, and go on together as a batch.
             TtsEngine batched = KokoroFixture.open(dir.toString(), Map.of("kokoro.batch.max-wait", "300ms",
                     "kokoro.max-concurrent-runs", "1", "kokoro.batch.max-size", "8"))) {
            assertThat(model(alone, "kokoro:af_test").batcher()).as("batch.max-size 1 turns batching off").isNull();
            KokoroModel model = model(batched, "kokoro:af_test");
            Batcher<KokoroModel.Item, KokoroModel.Key, KokoroModel.Output> batcher = model.batcher();
            assertThat(batcher).as("a model with durations and a batch dimension batches (%s)", model.unbatched())
                    .isNotNull();
            List<short[]> expected = new ArrayList<>();
            for (Request r : REQUESTS) {
                short[] pcm = speak(alone.load(r.voice()), r.ipa(), r.speed());
                assertThat(pcm).as("samples of '%s' at speed %s", r.ipa(), r.speed()).hasSize(expectedSamples(r));
                expected.add(pcm);
            }

            Request lone = REQUESTS.get(2);
            assertThat(speak(batched.load(lone.voice()), lone.ipa(), lone.speed())).isEqualTo(expected.get(2));
            assertThat(batcher.batches()).as("a lone sentence runs unbatched").isZero();

            // A lone sentence on an idle model runs at once, so whether the others arrive while it runs depends on
            // the scheduler: rounds of them (each checked) until some ran as a batch.
            for (int round = 0; round < 20 && batcher.batches() == 0; round++) {
                ExecutorService pool = Executors.newFixedThreadPool(REQUESTS.size());
                try {
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<short[]>> futures = new ArrayList<>();
                    for (Request r : REQUESTS) {
                        Voice v = batched.load(r.voice());
                        futures.add(pool.submit(() -> {
                            start.await();
                            return speak(v, r.ipa(), r.speed());
                        }));
                    }
                    start.countDown();
                    for (int i = 0; i < REQUESTS.size(); i++) {
                        assertThat(futures.get(i).get(30, TimeUnit.SECONDS))
                                .as("audio of %s", REQUESTS.get(i)).isEqualTo(expected.get(i));
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
            assertThat(batcher.batches()).as("batches run").isPositive();
            assertThat(batcher.batchedItems()).as("sentences in batches").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void modelsWithoutDurationsNeverBatch(@TempDir Path dir) throws Exception {
        KokoroTestModel.writeBatched(dir.resolve("nodur"), Layout.SHERPA, 1, Speed.PER_ITEM, false, 0);
        try (TtsEngine engine = KokoroFixture.open(dir.toString(), Map.of("kokoro.batch.max-wait", "50ms",
                "kokoro.batch.max-size", "8"))) {
            KokoroModel model = model(engine, "kokoro:af_test");
            assertThat(model.batcher()).isNull();
            assertThat(model.unbatched()).contains("no durations output");
            Voice v = engine.load("kokoro:af_test");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<short[]>> futures = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    futures.add(pool.submit(() -> speak(v, "hɛlˈoʊ", 1.0)));
                }
                for (Future<short[]> f : futures) {
                    assertThat(f.get(30, TimeUnit.SECONDS)).hasSize(8 * KokoroTestModel.BATCHED_FRAMES_PER_TOKEN
                            * KokoroTestModel.BATCHED_HOP);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void modelsWithoutABatchDimensionNeverBatch(@TempDir Path dir) {
        KokoroTestModel.write(dir.resolve("single"), Layout.SHERPA, 1, true);
        try (TtsEngine engine = KokoroFixture.open(dir.toString(), Map.of("kokoro.batch.max-size", "8"))) {
            KokoroModel model = model(engine, "kokoro:af_test");
            assertThat(model.batcher()).isNull();
            assertThat(model.unbatched()).contains("no batch dimension");
        }
    }
}
