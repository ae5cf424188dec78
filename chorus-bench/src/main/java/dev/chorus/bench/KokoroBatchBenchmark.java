package dev.chorus.bench;

import dev.chorus.engine.kokoro.KokoroEngineProvider;
import dev.chorus.testing.kokoro.KokoroTestModel;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.PhonemizerSource;
import dev.chorus.tts.spi.Voice;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Kokoro sentences per second at 8 concurrent requests, with batching ({@code batch = 8}) and without ({@code 1}),
 * on the generated batch-capable Kokoro model ({@code KokoroTestModel.writeBatched}: 1200 samples per token, and
 * {@code layers} 256 × 256 identity products per token: the cost grows with the length). Each request is one short
 * sentence of a different length, from three speakers; ops/s is sentences per second. {@code wait} is the batch's
 * {@code batch.max-wait} (it does not matter with {@code batch = 1}).
 *
 * <p>Run: {@code scripts/bench.sh KokoroBatchBenchmark -wi 2 -w 2s -i 8 -r 2s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class KokoroBatchBenchmark extends OnnxEngineBench {

    private static final String[] SENTENCES = {"hɛlˈoʊ wˈɜːld", "ðə kwˈɪk bɹˈaʊn fˈɑːks", "dʒˈʌmps ˌoʊvɚ",
        "ðə lˈeɪzi dˈɑːɡ", "pˈæk maɪ bˈɑːks wɪð fˈaɪv dˈʌzən", "lˈɪkɚ dʒˈʌɡz", "hˈaʊ vˈɛksɪŋli kwˈɪk",
        "dˈæft zˈiːbɹəz dʒˈʌmp"};
    private static final String[] SPEAKERS = {"kokoro:af_test", "kokoro:bm_test", "kokoro:bf_test"};

    /** Largest batch: 1 turns batching off. */
    @Param({"1", "8"})
    public int batch;

    /**
     * Identity products of 256 × 256 per token in the model: cost that grows with the length. With 0 a sentence costs
     * well under a millisecond, less than the batch wait; with 32 its matrix products dominate, as a neural model's.
     */
    @Param({"0", "32"})
    public int layers;

    /** The longest a sentence waits for others to join its batch ({@code 0ms}: only those already queued). */
    @Param({"2ms", "0ms"})
    public String wait;

    private Voice[] voices;

    @Setup(Level.Trial)
    public void open() throws IOException {
        PhonemizerSource phonemizers = openEspeak("chorus-kokoro-bench");
        KokoroTestModel.writeBatched(dir.resolve("bench"), KokoroTestModel.Layout.SHERPA, 3,
                KokoroTestModel.Speed.PER_ITEM, true, layers);
        engine = new KokoroEngineProvider().open(new EngineContext(8, Map.of(
                "kokoro.voices", dir.toString(),
                "voices.dirs", dir.toString(),
                "kokoro.scan-interval", "0",
                "kokoro.intra-op-threads", "1",
                "kokoro.max-concurrent-runs", "8",
                "kokoro.batch.max-size", Integer.toString(batch),
                "kokoro.batch.max-wait", wait),
                phonemizers));
        voices = new Voice[SPEAKERS.length];
        for (int i = 0; i < voices.length; i++) {
            voices[i] = engine.load(SPEAKERS[i]);
        }
    }

    @Benchmark
    @Threads(8)
    public boolean sentences() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        cpu.count();
        return voices[r.nextInt(voices.length)].synthesizePhonemes(SENTENCES[r.nextInt(SENTENCES.length)],
                SynthesisOptions.defaults(), DISCARD);
    }
}
