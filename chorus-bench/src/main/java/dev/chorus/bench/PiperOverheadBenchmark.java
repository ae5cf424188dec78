package dev.chorus.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.chorus.engine.piper.PiperEngineProvider;
import dev.chorus.engine.piper.PiperVoice;
import dev.chorus.testing.piper.TestVoiceGenerator;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What Chorus's Piper path costs on top of ONNX Runtime, on one fixed sentence and a generated test voice. With
 * {@code layers = 0} the model does almost nothing (about 0.1 ms a run), so the fixed costs around it show as much
 * as they ever can; {@code layers = 32} adds identity matrix multiplications so that a run costs several
 * milliseconds (a real Piper voice takes tens to hundreds of milliseconds per sentence on one core).
 *
 * <ul>
 *   <li>{@code bareRun}: {@code OrtSession.run} on the sentence's phoneme ids with direct input buffers, reading the
 *       audio out as floats: the least any caller does.</li>
 *   <li>{@code ids}: {@link PiperVoice#synthesizeIds} on the same ids: leases, run slot, the same run, PCM16
 *       conversion and delivery to a sink. Compare with {@code bareRun}.</li>
 *   <li>{@code ipa}: {@code synthesizePhonemes} on the sentence's IPA: adds mapping phonemes to ids.</li>
 *   <li>{@code text}: {@code synthesize} on the text: adds eSpeak NG phonemization.</li>
 * </ul>
 *
 * <p>Run: {@code scripts/bench.sh PiperOverheadBenchmark -wi 3 -w 2s -i 5 -r 3s}. On a busy machine, where
 * successive JMH benchmarks see different background load, {@link #main} measures {@code bareRun} and {@code ids}
 * interleaved in short rounds instead and prints the median of the per-round ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class PiperOverheadBenchmark {

    /** The sentence spoken; 44 characters, 109 phoneme ids, 2.5 s of audio from the test voice. */
    static final String SENTENCE = "The quick brown fox jumps over the lazy dog.";
    private static final String IPA = "ðə kwˈɪk bɹˈaʊn fˈɑːks dʒˈʌmps ˌoʊvɚ ðə lˈeɪzi dˈɑːɡ.";
    private static final AudioSink DISCARD = (samples, offset, length) -> AudioSink.Action.CONTINUE;

    /** Threads ONNX Runtime uses within one run, for both paths. */
    @Param({"1"})
    public int intraOpThreads;

    /** Extra work in the model: identity layers (see {@link TestVoiceGenerator.Spec#layers()}). */
    @Param({"0", "32"})
    public int layers;

    private Path dir;
    private TtsEngine engine;
    private PiperVoice voice;
    private long[] ids;
    private OrtEnvironment env;
    private OrtSession session;
    private LongBuffer idBuffer;
    private final LongBuffer lengthBuffer = longs(1);
    private final FloatBuffer scaleBuffer = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder())
            .asFloatBuffer();

    @Setup(Level.Trial)
    public void open() throws IOException, OrtException {
        dir = Files.createTempDirectory("chorus-piper-bench");
        TestVoiceGenerator.write(TestVoiceGenerator.Spec.of("bench-voice").withLayers(layers), dir);
        engine = new PiperEngineProvider().open(new EngineContext(1, Map.of(
                PiperEngineProvider.VOICES, dir.toString(),
                PiperEngineProvider.SCAN_INTERVAL, "0",
                PiperEngineProvider.SENTENCE_SILENCE, "0",
                PiperEngineProvider.INTRA_OP_THREADS, Integer.toString(intraOpThreads))));
        voice = (PiperVoice) engine.load("piper:bench-voice");
        ids = voice.phonemeIds(SENTENCE).getFirst();

        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(dir.resolve("bench-voice.onnx").toString(), options);
        }
        idBuffer = longs(ids.length);
        idBuffer.put(ids).flip();
        lengthBuffer.put(ids.length).flip();
        scaleBuffer.put(0.667f).put(1f).put(0.8f).flip();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, OrtException {
        session.close();
        engine.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public float[] bareRun() throws OrtException {
        try (OnnxTensor input = OnnxTensor.createTensor(env, idBuffer.rewind(), new long[] {1, ids.length});
             OnnxTensor lengths = OnnxTensor.createTensor(env, lengthBuffer.rewind(), new long[] {1});
             OnnxTensor scales = OnnxTensor.createTensor(env, scaleBuffer.rewind(), new long[] {3});
             OrtSession.Result result = session.run(Map.of("input", input, "input_lengths", lengths,
                     "scales", scales))) {
            return ((OnnxTensor) result.get(0)).getFloatBuffer().array();
        }
    }

    @Benchmark
    public boolean ids() {
        return voice.synthesizeIds(ids, SynthesisOptions.defaults(), DISCARD);
    }

    @Benchmark
    public boolean ipa() {
        return voice.synthesizePhonemes(IPA, SynthesisOptions.defaults(), DISCARD);
    }

    @Benchmark
    public boolean text() {
        return voice.synthesize(SENTENCE, SynthesisOptions.defaults(), DISCARD);
    }

    /**
     * Measures {@code bareRun} against {@code ids} (and {@code ipa}) interleaved, for 0 and 32 layers: {@code args[0]}
     * rounds (default 200) of calls alternating between the paths after a warm-up; prints per-call medians and the
     * median of the per-round ratios.
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        for (int layers : new int[] {0, 32}) {
            interleaved(layers, layers == 0 ? rounds : Math.max(10, rounds / 10), layers == 0 ? 50 : 2);
        }
    }

    private static void interleaved(int layers, int rounds, int calls) throws Exception {
        PiperOverheadBenchmark b = new PiperOverheadBenchmark();
        b.intraOpThreads = 1;
        b.layers = layers;
        b.open();
        try {
            for (int i = 0; i < (layers == 0 ? 3000 : 30); i++) {
                b.bareRun();
                b.ids();
                b.ipa();
            }
            double[] bare = new double[rounds];
            double[] ids = new double[rounds];
            double[] ipa = new double[rounds];
            double[] idsRatio = new double[rounds];
            double[] ipaRatio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                bare[r] = time(b::bareRun, calls);
                ids[r] = time(b::ids, calls);
                ipa[r] = time(b::ipa, calls);
                idsRatio[r] = ids[r] / bare[r];
                ipaRatio[r] = ipa[r] / bare[r];
            }
            System.out.printf("layers %d: bareRun %.1f us, ids %.1f us, ipa %.1f us per call (medians of %d rounds)%n",
                    layers, median(bare), median(ids), median(ipa), rounds);
            System.out.printf("overhead of ids over bareRun: %+.1f%%, of ipa: %+.1f%% (median per-round ratio)%n",
                    (median(idsRatio) - 1) * 100, (median(ipaRatio) - 1) * 100);
        } finally {
            b.close();
        }
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static double time(Call call, int calls) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        return (System.nanoTime() - t0) / (double) calls / 1000.0;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }

    private static LongBuffer longs(int n) {
        return ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }
}
