package dev.chorus.engine.piper;

import dev.chorus.testing.EngineConformanceSuite;
import dev.chorus.testing.piper.SherpaVitsTestModel;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.PhonemizerSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs the engine conformance suite against a generated sherpa-onnx VITS lexicon voice ({@code vits-ljs} layout:
 * model with metadata, {@code tokens.txt}, {@code lexicon.txt}), without eSpeak NG: its lexicon has every letter as
 * a word, so every word is spelled. The voice reports no word timings.
 */
class SherpaVitsEngineConformanceTest extends EngineConformanceSuite {

    @Override
    protected String engineId() {
        return "piper";
    }

    @Override
    protected String voiceId() {
        return "piper:vits-letters";
    }

    @Override
    protected int expectedSampleRate() {
        return 22_050;
    }

    @Override
    protected EngineContext context(int workers) {
        Path dir;
        try {
            dir = Files.createTempDirectory("chorus-vits-conformance");
            dir.toFile().deleteOnExit();
            StringBuilder tokens = new StringBuilder("_ 0\n  1\n. 2\n, 3\n");
            StringBuilder lexicon = new StringBuilder();
            for (char c = 'a'; c <= 'z'; c++) {
                tokens.append(c).append(' ').append(c - 'a' + 4).append('\n');
                lexicon.append(c).append(' ').append(c).append('\n');
            }
            Files.write(dir.resolve("vits-letters.onnx"), SherpaVitsTestModel.model(30, false, Map.of(
                    "model_type", "vits", "comment", "ljs", "sample_rate", "22050", "add_blank", "1",
                    "n_speakers", "1", "language", "English", "punctuation", "; : , . ! ?")));
            Files.writeString(dir.resolve("tokens.txt"), tokens);
            Files.writeString(dir.resolve("lexicon.txt"), lexicon);
            for (Path f : new Path[] {dir.resolve("vits-letters.onnx"), dir.resolve("tokens.txt"),
                dir.resolve("lexicon.txt")}) {
                f.toFile().deleteOnExit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EngineContext(workers, Map.of(PiperEngineProvider.VOICES, dir.toString(),
                PiperEngineProvider.SCAN_INTERVAL, "0"), PhonemizerSource.none());
    }
}
