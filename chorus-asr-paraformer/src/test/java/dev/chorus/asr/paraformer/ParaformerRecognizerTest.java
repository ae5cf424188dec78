package dev.chorus.asr.paraformer;

import dev.chorus.asr.RecognizedWord;
import dev.chorus.asr.Recognizer;
import dev.chorus.asr.RecognizerProvider;
import dev.chorus.asr.Transcript;
import dev.chorus.asr.WordErrorRate;
import dev.chorus.onnx.ModelLoadException;
import dev.chorus.testing.onnx.ParaformerTestModel;
import dev.chorus.tts.EngineUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The recognizer end to end on generated models of the real Paraformer interface. */
@Timeout(60)
class ParaformerRecognizerTest {

    @TempDir
    Path dir;

    private static List<String> words(Transcript t) {
        return t.words().stream().map(RecognizedWord::word).toList();
    }

    private Recognizer open(ParaformerTestModel.Variant variant, Map<String, String> extra) {
        ParaformerTestModel.write(dir, variant);
        Map<String, String> settings = new java.util.HashMap<>(extra);
        settings.put("dir", dir.toString());
        return new ParaformerProvider().open(2, settings);
    }

    @Test
    void recognizesTheModelsTokensAsChineseAndEnglishWords() {
        try (Recognizer r = open(ParaformerTestModel.Variant.STANDARD, Map.of())) {
            // 22.05 kHz input: resampled to the model's 16 kHz first.
            Transcript t = r.recognize(ParaformerTestModel.tone(1.0, 22_050), 22_050);
            // The run of Han characters is one word, hel@@ joins lo, and nothing after </s> is kept.
            assertThat(words(t)).containsExactly("你好世界", "hello");
            assertThat(t.text()).isEqualTo("你好世界 hello");
            assertThat(t.audioMillis()).isEqualTo(1000);
            // Without peaks, the six tokens spread over the second: four for the first word, two for the second.
            RecognizedWord first = t.words().getFirst();
            assertThat(first.startMillis()).isZero();
            assertThat(first.endMillis()).isEqualTo(666);
            assertThat(t.words().get(1).startMillis()).isEqualTo(666);
            assertThat(t.words().get(1).endMillis()).isEqualTo(1000);
            // softmax of 5 against nine zeros
            assertThat(first.confidence()).isCloseTo(Math.exp(5) / (Math.exp(5) + 9), org.assertj.core.data.Offset
                    .offset(1e-6));
            // Scored per character against the text spoken.
            assertThat(WordErrorRate.of("你好，世界。Hello!", t.text()).rate()).isZero();
        }
    }

    @Test
    void passesTheLowFrameRateLengthSoShortAudioHasFewerTokens() {
        try (Recognizer r = open(ParaformerTestModel.Variant.STANDARD, Map.of())) {
            // 0.1 s: 8 fbank frames, 2 LFR frames; the model emits min(speech_lengths, 8) tokens.
            assertThat(words(r.recognize(ParaformerTestModel.tone(0.1, 16_000), 16_000)))
                    .containsExactly("你好");
            // Less than one 25 ms frame: nothing to recognize, and the model is not run.
            Transcript tiny = r.recognize(new short[300], 16_000);
            assertThat(tiny.words()).isEmpty();
        }
    }

    @Test
    void takesWordTimesFromTheCifPeaksWhenTheModelHasThem() {
        try (Recognizer r = open(ParaformerTestModel.Variant.WITH_PEAKS, Map.of())) {
            Transcript t = r.recognize(ParaformerTestModel.tone(1.0, 16_000), 16_000);
            assertThat(t.words()).extracting(RecognizedWord::word, RecognizedWord::startMillis,
                            RecognizedWord::endMillis)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("你好世界", 100L, 500L),
                            org.assertj.core.groups.Tuple.tuple("hello", 500L, 1000L));
        }
    }

    @Test
    void understandsTheConfiguredLanguages() {
        try (Recognizer r = open(ParaformerTestModel.Variant.STANDARD, Map.of())) {
            assertThat(r.supports("zh-CN")).isTrue();
            assertThat(r.supports("cmn")).isFalse();
            assertThat(r.supports("en-US")).isFalse();
            assertThat(r.description()).contains("paraformer", "model.onnx", "zh");
        }
        try (Recognizer r = new ParaformerProvider().open(1, Map.of("dir", dir.toString(), "languages",
                "zh, en-US"))) {
            assertThat(r.supports("en-GB")).isTrue();
        }
    }

    @Test
    void isFoundThroughServiceLoader() {
        List<String> ids = ServiceLoader.load(RecognizerProvider.class).stream()
                .map(p -> p.get().id()).toList();
        assertThat(ids).contains("paraformer");
    }

    @Test
    void aModelWithoutSpeechLengthsIsRefusedNamingTheInput() {
        assertThatThrownBy(() -> open(ParaformerTestModel.Variant.NO_SPEECH_LENGTHS, Map.of()))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("model.onnx: the model has no input 'speech_lengths'")
                .hasMessageContaining("backcheck.paraformer.dir")
                .cause().isInstanceOf(ModelLoadException.class);
    }

    @Test
    void aModelWithoutItsCmvnMetadataIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> open(ParaformerTestModel.Variant.NO_NEG_MEAN, Map.of()))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("metadata 'neg_mean' is missing (expected: 560 comma-separated numbers")
                .cause().isInstanceOf(ModelLoadException.class);
    }

    @Test
    void missingFilesAndBadSettingsAreNamed() throws Exception {
        assertThatThrownBy(() -> new ParaformerProvider().open(1, Map.of()))
                .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("set backcheck.paraformer.dir");
        assertThatThrownBy(() -> new ParaformerProvider().open(1, Map.of("dir", dir.toString())))
                .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("model.onnx is missing");
        ParaformerTestModel.write(dir, ParaformerTestModel.Variant.STANDARD);
        Files.delete(dir.resolve("tokens.txt"));
        assertThatThrownBy(() -> new ParaformerProvider().open(1, Map.of("dir", dir.toString())))
                .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("tokens.txt is missing");
        Files.writeString(dir.resolve("tokens.txt"), "<blank> 0\nfar 42\n");
        assertThatThrownBy(() -> new ParaformerProvider().open(1, Map.of("dir", dir.toString())))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("token id 42 is outside the model's vocabulary of 10");
        assertThatThrownBy(() -> new ParaformerProvider().open(1, Map.of("dir", dir.toString(), "beam", "4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backcheck.paraformer.beam: unknown setting");
    }
}
