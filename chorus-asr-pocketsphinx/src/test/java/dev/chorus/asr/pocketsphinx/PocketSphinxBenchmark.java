package dev.chorus.asr.pocketsphinx;

import dev.chorus.asr.CheckSentences;
import dev.chorus.asr.Recognizer;
import dev.chorus.asr.Transcript;
import dev.chorus.engine.hmm.HmmEngineProvider;
import dev.chorus.testing.Pcm;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Measures the recognizer's cost per second of audio on one thread: the built-in English check sentences spoken by
 * the default voice, recognized {@code rounds} times after one warm-up round (figures in docs/benchmarks.md). Prints
 * wall time and the process's CPU time over the recognitions (the decoder runs on the calling thread), which a
 * busy machine inflates less.
 * Run with the test class path: {@code java --enable-native-access=ALL-UNNAMED -cp ... PocketSphinxBenchmark 3}.
 */
public final class PocketSphinxBenchmark {

    private PocketSphinxBenchmark() {
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        try (TtsEngine engine = new HmmEngineProvider().open(EngineContext.of(1));
             Recognizer recognizer = new PocketSphinxProvider().open(1, Map.of())) {
            Voice voice = engine.load("hmm:cmu-slt-hsmm");
            List<short[]> audio = new ArrayList<>();
            for (String s : CheckSentences.builtIn("en").orElseThrow()) {
                Pcm.Collector sink = new Pcm.Collector();
                voice.synthesize(s, SynthesisOptions.defaults(), sink);
                audio.add(sink.samples());
            }
            int rate = voice.info().sampleRate();
            for (int round = 0; round <= rounds; round++) {
                long audioMillis = 0;
                long nanos = 0;
                long cpu0 = cpuNanos();
                for (short[] a : audio) {
                    Transcript t = recognizer.recognize(a, rate);
                    audioMillis += t.audioMillis();
                    nanos += t.elapsedNanos();
                }
                long cpu = cpuNanos() - cpu0;
                System.out.printf("%s: %.1f s of audio in %.2f s wall, %.2f s CPU: %.3f s wall and %.3f s CPU per "
                                + "second of audio%n", round == 0 ? "warm-up" : "round " + round, audioMillis / 1000.0,
                        nanos / 1e9, cpu / 1e9, nanos / 1e6 / audioMillis, cpu / 1e6 / audioMillis);
            }
        }
    }
}
