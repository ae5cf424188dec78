package dev.chorus.engine.piper;

import dev.chorus.testing.EngineConformanceSuite;
import dev.chorus.testing.piper.SherpaVitsTestModel;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.PhonemizerSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the engine conformance suite against a generated sherpa-onnx Coqui character voice ({@code vits-coqui-*}
 * layout: a model with Coqui TTS's interface and metadata {@code comment=coqui}, {@code frontend=characters}, and
 * {@code tokens.txt} as the exporter writes it), without eSpeak NG. The voice reports no word timings.
 */
class CoquiVitsEngineConformanceTest extends EngineConformanceSuite {

    @Override
    protected String engineId() {
        return "piper";
    }

    @Override
    protected String voiceId() {
        return "piper:vits-coqui-letters";
    }

    @Override
    protected int expectedSampleRate() {
        return 22_050;
    }

    @Override
    protected EngineContext context(int workers) {
        Path dir;
        try {
            dir = Files.createTempDirectory("chorus-coqui-conformance");
            dir.toFile().deleteOnExit();
            StringBuilder tokens = new StringBuilder("<PAD> 0\n<EOS> 1\n<BOS> 2\n! 3\n, 4\n. 5\n? 6\n  7\n");
            for (char c = 'a'; c <= 'z'; c++) {
                tokens.append(c).append(' ').append(c - 'a' + 8).append('\n');
            }
            tokens.append("<BLNK> 34\n");
            Map<String, String> metadata = new HashMap<>(Map.of("model_type", "vits", "comment", "coqui",
                    "language", "English", "frontend", "characters", "add_blank", "1", "blank_id", "34",
                    "n_speakers", "0", "use_eos_bos", "1", "bos_id", "2", "eos_id", "1"));
            metadata.put("sample_rate", "22050");
            Path model = dir.resolve("vits-coqui-letters.onnx");
            Files.write(model, SherpaVitsTestModel.model(SherpaVitsTestModel.Layout.COQUI, 35, false, metadata));
            Files.writeString(dir.resolve("tokens.txt"), tokens);
            model.toFile().deleteOnExit();
            dir.resolve("tokens.txt").toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EngineContext(workers, Map.of(PiperEngineProvider.VOICES, dir.toString(),
                PiperEngineProvider.SCAN_INTERVAL, "0"), PhonemizerSource.none());
    }
}
