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
 * Runs the engine conformance suite against a generated MeloTTS voice in the {@code vits-melo-tts-zh_en} layout
 * (model with MeloTTS's interface and metadata, {@code tokens.txt}, {@code lexicon.txt} with tones), without eSpeak
 * NG: its lexicon has every letter as a word, so the suite's English words are spelled, as sherpa-onnx spells
 * English words a MeloTTS lexicon lacks. The voice reports no word timings.
 */
class SherpaMeloEngineConformanceTest extends EngineConformanceSuite {

    @Override
    protected String engineId() {
        return "piper";
    }

    @Override
    protected String voiceId() {
        return "piper:melo-letters";
    }

    @Override
    protected int expectedSampleRate() {
        return 22_050;
    }

    @Override
    protected EngineContext context(int workers) {
        Path dir;
        try {
            dir = Files.createTempDirectory("chorus-melo-conformance");
            dir.toFile().deleteOnExit();
            StringBuilder tokens = new StringBuilder("_ 0\n, 1\n. 2\n");
            StringBuilder lexicon = new StringBuilder();
            for (char c = 'a'; c <= 'z'; c++) {
                tokens.append(c).append(' ').append(c - 'a' + 3).append('\n');
                lexicon.append(c).append(' ').append(c).append(' ').append(c % 5 + 1).append('\n');
            }
            Map<String, String> metadata = new HashMap<>(Map.of("model_type", "melo-vits", "comment", "melo",
                    "version", "2", "language", "Chinese + English", "add_blank", "1", "n_speakers", "1",
                    "jieba", "1", "sample_rate", "22050", "speaker_id", "1"));
            Files.write(dir.resolve("melo-letters.onnx"), SherpaVitsTestModel.meloModel(29, metadata));
            Files.writeString(dir.resolve("tokens.txt"), tokens);
            Files.writeString(dir.resolve("lexicon.txt"), lexicon);
            for (Path f : new Path[] {dir.resolve("melo-letters.onnx"), dir.resolve("tokens.txt"),
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
