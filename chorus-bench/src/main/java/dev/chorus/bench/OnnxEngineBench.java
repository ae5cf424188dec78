package dev.chorus.bench;

import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.PhonemizerSource;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * What the ONNX engine benchmarks share: a temporary directory for the generated models, an eSpeak NG engine whose
 * phonemizer the engine under test gets, and the CPU time per sentence printed after each iteration. A subclass
 * (the JMH state) opens its engine in its own trial setup after {@link #openEspeak}; the iteration and trial
 * hooks here run for it.
 */
abstract class OnnxEngineBench {

    /** A sink that drops the audio. */
    static final AudioSink DISCARD = (samples, offset, length) -> AudioSink.Action.CONTINUE;

    Path dir;
    TtsEngine espeak;
    TtsEngine engine;
    final CpuPerOp cpu = new CpuPerOp();

    /** Creates the model directory and opens eSpeak NG; returns its phonemizer for the engine under test. */
    PhonemizerSource openEspeak(String dirPrefix) throws IOException {
        dir = Files.createTempDirectory(dirPrefix);
        espeak = ServiceLoader.load(TtsEngineProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("espeak")).findFirst().orElseThrow().open(EngineContext.of(1));
        return PhonemizerSource.of(Map.of("espeak", espeak.phonemizer().orElseThrow()));
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        cpu.start();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        cpu.print();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        engine.close();
        espeak.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
