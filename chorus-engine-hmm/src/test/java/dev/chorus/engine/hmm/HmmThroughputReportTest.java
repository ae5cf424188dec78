package dev.chorus.engine.hmm;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prints MaryTTS start-up time, throughput at one and two threads, and the size of the bundled jars. Timings
 * depend on the machine, so nothing is asserted about them. Run with
 * {@code ./mvnw -pl chorus-engine-hmm-bridge,chorus-engine-hmm verify -Dtest=HmmThroughputReportTest
 * -Dchorus.hmm.report=true}; the figures land in
 * {@code chorus-engine-hmm/target/surefire-reports/dev.chorus.engine.hmm.HmmThroughputReportTest-output.txt}.
 */
@EnabledIfSystemProperty(named = "chorus.hmm.report", matches = "true")
class HmmThroughputReportTest {

    private static final String PARAGRAPH = "The city council met on Tuesday evening to discuss the new park. "
            + "Residents asked for more trees, a safer crossing near the school, and longer opening hours for the "
            + "library. The mayor promised a decision before the end of the month, and thanked everyone who came to "
            + "speak. Most people left feeling hopeful about the plans.";
    private static final int ROUNDS = 3;

    @Test
    void report() throws Exception {
        long open = System.nanoTime();
        try (TtsEngine engine = new HmmEngineProvider().open(EngineContext.of(2))) {
            long opened = System.nanoTime() - open;
            MaryRuntime runtime = MaryRuntime.obtain(HmmLibrary.locate(EngineContext.of(1)));
            System.out.printf("MaryTTS start-up: %.0f ms (first open in this JVM: %.0f ms)%n",
                    runtime.startupNanos() / 1e6, opened / 1e6);
            Voice voice = engine.load("hmm:cmu-slt-hsmm");
            speak(voice); // warm-up
            for (int threads = 1; threads <= 2; threads++) {
                measure(voice, threads);
            }
            long bytes = 0;
            for (Path jar : HmmLibrary.locate(EngineContext.of(1)).jars()) {
                bytes += size(jar);
            }
            System.out.printf("Bundled jars: %d files, %.1f MiB%n",
                    HmmLibrary.locate(EngineContext.of(1)).jars().size(), bytes / 1048576.0);
        }
    }

    private static void measure(Voice voice, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<Long>> runs = new ArrayList<>();
            for (int i = 0; i < ROUNDS * threads; i++) {
                runs.add(pool.submit(() -> speak(voice)));
            }
            long samples = 0;
            for (Future<Long> run : runs) {
                samples += run.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double audio = samples / (double) voice.info().sampleRate();
            System.out.printf("%d thread(s): %d x %d chars in %.2f s = %.0f chars/s; %.1f s of audio, "
                            + "real-time factor %.3f%n", threads, ROUNDS * threads, PARAGRAPH.length(), seconds,
                    ROUNDS * threads * PARAGRAPH.length() / seconds, audio, seconds / audio);
            assertThat(audio).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    private static long speak(Voice voice) {
        long[] samples = {0};
        voice.synthesize(PARAGRAPH, SynthesisOptions.defaults(), (pcm, offset, length) -> {
            samples[0] += length;
            return AudioSink.Action.CONTINUE;
        });
        return samples[0];
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
