package dev.chorus.engine.amvocoder.internal;

import dev.chorus.engine.amvocoder.AmFixture;
import dev.chorus.onnx.batch.Batcher;
import dev.chorus.testing.Pcm;
import dev.chorus.testing.amvocoder.AmVocoderTestModels;
import dev.chorus.testing.amvocoder.AmVocoderTestModels.Acoustic;
import dev.chorus.testing.amvocoder.AmVocoderTestModels.Vocoder;
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

/** Concurrent sentences of one voice run as batches and give exactly the audio they give alone. */
@Timeout(60)
class BatchingTest {

    private static final List<String> SENTENCES = List.of("hɛlˈoʊ", "wˈɜːld", "ðə kwˈɪk bɹˈaʊn fˈɑːks",
            "dʒˈʌmps", "ˌoʊvɚ ðə lˈeɪzi dˈɑːɡ", "æ", "sfˈɪŋks ʌv blˈæk kwˈɔːɹts", "dʒˈʌdʒ maɪ vˈaʊ");

    private static short[] speak(Voice v, String ipa) {
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(v.synthesizePhonemes(ipa, SynthesisOptions.defaults(), sink)).isTrue();
        return sink.samples();
    }

    @ParameterizedTest
    @EnumSource(Vocoder.class)
    void batchedAudioEqualsUnbatchedAudio(Vocoder vocoder, @TempDir Path dir) throws Exception {
        AmVocoderTestModels.write(dir.resolve("v"), Acoustic.FASTSPEECH2, "am.onnx", vocoder, "voc.onnx", false, 0);
        try (TtsEngine alone = AmFixture.open("fastspeech2", dir, Map.of("fastspeech2.batch.max-size", "1"));
             // One run at a time: sentences that arrive while one runs queue, and go on together as a batch.
             TtsEngine batched = AmFixture.open("fastspeech2", dir, Map.of("fastspeech2.batch.max-wait", "300ms",
                     "fastspeech2.max-concurrent-runs", "1", "fastspeech2.batch.max-size", "8"))) {
            assertThat(((AmEngine) alone).model("v").batcher()).isNull();
            Batcher<long[], AmModel.Controls, AmModel.Output> batcher = ((AmEngine) batched).model("v").batcher();
            assertThat(batcher).as("a model with durations, lengths and a batch dimension batches").isNotNull();
            Voice one = alone.load("fastspeech2:v");
            Voice many = batched.load("fastspeech2:v");
            List<short[]> expected = new ArrayList<>();
            for (String s : SENTENCES) {
                expected.add(speak(one, s));
            }
            // A lone sentence on an idle model runs at once, so whether the others arrive while it runs depends on
            // the scheduler: rounds of them (each checked) until some ran as a batch.
            for (int round = 0; round < 20 && batcher.batches() == 0; round++) {
                ExecutorService pool = Executors.newFixedThreadPool(SENTENCES.size());
                try {
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<short[]>> futures = new ArrayList<>();
                    for (String s : SENTENCES) {
                        futures.add(pool.submit(() -> {
                            start.await();
                            return speak(many, s);
                        }));
                    }
                    start.countDown();
                    for (int i = 0; i < SENTENCES.size(); i++) {
                        assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).as("audio of '%s'", SENTENCES.get(i))
                                .isEqualTo(expected.get(i));
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
    void modelsThatCannotReportLengthsAreNeverBatched(@TempDir Path dir) {
        AmVocoderTestModels.write(dir.resolve("m"), Acoustic.MATCHA, "am.onnx", Vocoder.HIFIGAN, "voc.onnx", true, 0);
        try (TtsEngine e = AmFixture.open("matcha", dir, Map.of("matcha.batch.max-size", "8"))) {
            assertThat(((AmEngine) e).model("m").batcher()).as("Matcha reports no durations").isNull();
        }
    }

    @Test
    void bucketsArePowersOfTwoFromSixteen() {
        assertThat(Batcher.bucket(1)).isEqualTo(16);
        assertThat(Batcher.bucket(16)).isEqualTo(16);
        assertThat(Batcher.bucket(17)).isEqualTo(32);
        assertThat(Batcher.bucket(100)).isEqualTo(128);
    }
}
