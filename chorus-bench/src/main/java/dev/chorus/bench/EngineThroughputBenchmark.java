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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/**
 * Characters per second of each engine speaking a 300-character paragraph in-process.
 * Throughput is operations/s; multiply by 300 for characters/s.
 *
 * <p>Run, with 1 and 2 threads: {@code scripts/bench.sh EngineThroughputBenchmark -t 1} and {@code ... -t 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class EngineThroughputBenchmark {

    @Param({"hmm:cmu-slt-hsmm", "espeak:en-us"})
    public String voice;

    private TtsEngine engine;
    private Voice loaded;

    private static final AudioSink DISCARD = (samples, offset, length) -> AudioSink.Action.CONTINUE;

    @Setup(Level.Trial)
    public void open() {
        String engineId = voice.substring(0, voice.indexOf(':'));
        TtsEngineProvider provider = ServiceLoader.load(TtsEngineProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.id().equals(engineId)).findFirst().orElseThrow();
        engine = provider.open(EngineContext.of(2));
        loaded = engine.load(voice);
    }

    @TearDown(Level.Trial)
    public void close() {
        engine.close();
    }

    @Benchmark
    public boolean paragraph() {
        return loaded.synthesize(Texts.PARAGRAPH_300, SynthesisOptions.defaults(), DISCARD);
    }
}
