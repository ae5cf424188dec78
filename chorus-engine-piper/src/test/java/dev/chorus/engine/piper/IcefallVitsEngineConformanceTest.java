package dev.chorus.engine.piper;

import dev.chorus.testing.EngineConformanceSuite;
import dev.chorus.testing.piper.SherpaVitsTestModel;
import dev.chorus.testing.piper.TestVoiceGenerator;
import dev.chorus.tts.spi.EngineContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs the engine conformance suite against a generated icefall voice ({@code vits-icefall-*} layout: a model with
 * icefall's interface and metadata {@code comment=icefall}, {@code voice=en-us}, and {@code tokens.txt} of Piper's
 * symbols), with eSpeak NG's phonemes from the espeak engine's phonemizer. The voice reports no word timings.
 */
class IcefallVitsEngineConformanceTest extends EngineConformanceSuite {

    @Override
    protected String engineId() {
        return "piper";
    }

    @Override
    protected String voiceId() {
        return "piper:vits-icefall-test";
    }

    @Override
    protected int expectedSampleRate() {
        return 22_050;
    }

    @Override
    protected boolean available() {
        return PiperFixture.espeakAvailable();
    }

    @Override
    protected EngineContext context(int workers) {
        Path dir;
        try {
            dir = Files.createTempDirectory("chorus-icefall-conformance");
            dir.toFile().deleteOnExit();
            StringBuilder tokens = new StringBuilder();
            TestVoiceGenerator.PHONEME_ID_MAP.forEach((p, id) -> tokens.append(p).append(' ').append(id)
                    .append('\n'));
            Path model = dir.resolve("vits-icefall-test.onnx");
            Files.write(model, SherpaVitsTestModel.model(SherpaVitsTestModel.Layout.ICEFALL,
                    TestVoiceGenerator.NUM_SYMBOLS, false, Map.of("model_type", "vits", "comment", "icefall",
                            "language", "English", "voice", "en-us", "has_espeak", "1", "n_speakers", "1",
                            "sample_rate", "22050")));
            Files.writeString(dir.resolve("tokens.txt"), tokens);
            model.toFile().deleteOnExit();
            dir.resolve("tokens.txt").toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EngineContext(workers, Map.of(PiperEngineProvider.VOICES, dir.toString(),
                PiperEngineProvider.SCAN_INTERVAL, "0"), PiperFixture.phonemizers());
    }
}
