package dev.chorus.bench;

import dev.chorus.engine.amvocoder.FastSpeech2EngineProvider;
import dev.chorus.testing.amvocoder.AmVocoderTestModels;
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
 * The acoustic model + vocoder path on a generated FastSpeech2-style model with a HiFi-GAN-style vocoder.
 *
 * <ul>
 *   <li>{@code handOff} (one thread, batching off): one long sentence (about 1 600 mel frames of 80 bins, 512 KB),
 *       with the mel handed to the vocoder as the ONNX Runtime tensor ({@code direct}) or copied through a Java
 *       array into a new tensor ({@code copy}).</li>
 *   <li>{@code sentences} (8 threads): short sentences of different lengths from 8 threads at once, with batching
 *       ({@code batch = 8}) or without ({@code 1}), on a model whose cost grows with the length ({@code layers}
 *       identity products per frame); ops/s is sentences per second.</li>
 * </ul>
 *
 * <p>Run: {@code scripts/bench.sh AmVocoderBenchmark -wi 2 -w 2s -i 3 -r 3s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class AmVocoderBenchmark extends OnnxEngineBench {

    private static final String LONG = "ðə kwˈɪk bɹˈaʊn fˈɑːks dʒˈʌmps ˌoʊvɚ ðə lˈeɪzi dˈɑːɡ ".repeat(8).strip();
    private static final String[] SHORT = {"hɛlˈoʊ wˈɜːld", "ðə kwˈɪk bɹˈaʊn fˈɑːks", "dʒˈʌmps ˌoʊvɚ",
        "ðə lˈeɪzi dˈɑːɡ", "pˈæk maɪ bˈɑːks wɪð fˈaɪv dˈʌzən", "lˈɪkɚ dʒˈʌɡz", "hˈaʊ vˈɛksɪŋli kwˈɪk",
        "dˈæft zˈiːbɹəz dʒˈʌmp"};

    /** How the mel reaches the vocoder: {@code direct} (the tensor itself) or {@code copy}. */
    @Param({"direct", "copy"})
    public String handOff;

    /** Largest batch: 1 turns batching off. */
    @Param({"1", "8"})
    public int batch;

    /** Identity products per frame in the acoustic model: cost that grows with the length. */
    @Param({"16"})
    public int layers;

    /** The longest the next batch waits for the callers of the batch that just ended. */
    @Param({"2ms"})
    public String wait;

    private Voice voice;

    @Setup(Level.Trial)
    public void open() throws IOException {
        PhonemizerSource phonemizers = openEspeak("chorus-amvocoder-bench");
        AmVocoderTestModels.write(dir.resolve("bench"), AmVocoderTestModels.Acoustic.FASTSPEECH2, "am.onnx",
                AmVocoderTestModels.Vocoder.HIFIGAN, "voc.onnx", false, layers);
        engine = new FastSpeech2EngineProvider().open(new EngineContext(8, Map.of(
                "fastspeech2.voices", dir.toString(),
                "fastspeech2.scan-interval", "0",
                "fastspeech2.intra-op-threads", "1",
                "fastspeech2.max-concurrent-runs", "8",
                "fastspeech2.hand-off", handOff,
                "fastspeech2.batch.max-size", Integer.toString(batch),
                "fastspeech2.batch.max-wait", wait),
                phonemizers));
        voice = engine.load("fastspeech2:bench");
    }

    @Benchmark
    @Threads(1)
    public boolean handOff() {
        return voice.synthesizePhonemes(LONG, SynthesisOptions.defaults(), DISCARD);
    }

    @Benchmark
    @Threads(8)
    public boolean sentences() {
        String s = SHORT[ThreadLocalRandom.current().nextInt(SHORT.length)];
        cpu.count();
        return voice.synthesizePhonemes(s, SynthesisOptions.defaults(), DISCARD);
    }
}
