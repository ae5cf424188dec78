package dev.chorus.bench;

import dev.chorus.loadgen.Texts;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/**
 * The same 300-character text through eSpeak NG in-process (FFM) versus starting the {@code espeak-ng} program
 * per request, as a server without a binding would. Lower is better.
 *
 * <p>Run: {@code scripts/bench.sh EspeakProcessBenchmark -wi 2 -w 4s -i 3 -r 8s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class EspeakProcessBenchmark {

    private TtsEngine engine;
    private Voice voice;
    private Path out;

    @Setup(Level.Trial)
    public void open() throws IOException {
        TtsEngineProvider provider = ServiceLoader.load(TtsEngineProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.id().equals("espeak")).findFirst().orElseThrow();
        engine = provider.open(EngineContext.of(1));
        voice = engine.load("espeak:en-us");
        out = Files.createTempFile("chorus-bench", ".wav");
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        engine.close();
        Files.deleteIfExists(out);
    }

    @Benchmark
    public long inProcess() {
        long[] samples = new long[1];
        voice.synthesize(Texts.PARAGRAPH_300, SynthesisOptions.defaults(), (s, o, n) -> {
            samples[0] += n;
            return AudioSink.Action.CONTINUE;
        });
        return samples[0];
    }

    @Benchmark
    public int programPerRequest() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("espeak-ng", "-v", "en-us", "-w", out.toString(), Texts.PARAGRAPH_300)
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
