package dev.chorus.asr.dnsmos;

import dev.chorus.asr.quality.MosPredictor;
import dev.chorus.asr.quality.MosPredictorProvider;
import dev.chorus.asr.quality.MosScore;
import dev.chorus.onnx.ModelLoadException;
import dev.chorus.testing.onnx.DnsmosTestModel;
import dev.chorus.testing.onnx.OnnxWriter;
import dev.chorus.tts.EngineUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** DNSMOS on a generated model of its interface whose raw scores follow each segment's energy. */
@Timeout(60)
class DnsmosPredictorTest {

    @TempDir
    Path dir;

    private Path model() throws Exception {
        return Files.write(dir.resolve("sig_bak_ovr.onnx"), DnsmosTestModel.model());
    }

    /** {@code seconds} of 16 kHz audio whose samples in second {@code i} are +-(1000 + 500 i). */
    private static short[] steps(int seconds) {
        short[] out = new short[seconds * 16_000];
        for (int i = 0; i < out.length; i++) {
            int level = 1000 + 500 * (i / 16_000);
            out[i] = (short) (i % 2 == 0 ? level : -level);
        }
        return out;
    }

    private static double quadratic(double a, double b, double c, double x) {
        return a * x * x + b * x + c;
    }

    @Test
    void segmentsEverySecondAndAveragesTheCalibratedScores() throws Exception {
        short[] audio = steps(20);
        double sig = 0;
        double bak = 0;
        double ovr = 0;
        for (int segment = 0; segment < 11; segment++) {
            double sum = 0;
            for (int i = segment * 16_000; i < segment * 16_000 + 144_160; i++) {
                double x = audio[i] / 32768.0;
                sum += x * x;
            }
            double[] raw = DnsmosTestModel.raw(sum / 144_160);
            sig += quadratic(-0.08397278, 1.22083953, 0.0052439, raw[0]);
            bak += quadratic(-0.13166888, 1.60915514, -0.39604546, raw[1]);
            ovr += quadratic(-0.06766283, 1.11546468, 0.04602535, raw[2]);
        }
        try (MosPredictor p = new DnsmosProvider().open(model(), 2, Map.of())) {
            MosScore score = p.predict(audio, 0, audio.length, 16_000).orElseThrow();
            assertThat(score.segments()).isEqualTo(11);
            assertThat(score.signal()).isCloseTo(sig / 11, within(1e-4));
            assertThat(score.background()).isCloseTo(bak / 11, within(1e-4));
            assertThat(score.overall()).isCloseTo(ovr / 11, within(1e-4));
            // Louder later seconds raise the raw scores: the segments really are different windows.
            MosScore firstTen = p.predict(audio, 0, 10 * 16_000, 16_000).orElseThrow();
            assertThat(firstTen.segments()).isEqualTo(1);
            assertThat(firstTen.overall()).isLessThan(score.overall());
        }
    }

    @Test
    void aShortClipIsRepeatedAsDnsmosDoes() throws Exception {
        short[] audio = new short[32_000];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (short) (i % 2 == 0 ? 3000 : -3000);
        }
        double ms = (3000 / 32768.0) * (3000 / 32768.0);
        double[] raw = DnsmosTestModel.raw(ms);
        try (MosPredictor p = new DnsmosProvider().open(model(), 1, Map.of())) {
            MosScore score = p.predict(audio, 0, audio.length, 16_000).orElseThrow();
            assertThat(score.segments()).isEqualTo(7);
            assertThat(score.overall()).isCloseTo(quadratic(-0.06766283, 1.11546468, 0.04602535, raw[2]),
                    within(1e-4));
            assertThat(p.predict(audio, 0, 0, 16_000)).isEmpty();
        }
        try (MosPredictor p = new DnsmosProvider().open(model(), 1, Map.of("personalized", "true"))) {
            MosScore score = p.predict(audio, 0, audio.length, 16_000).orElseThrow();
            double x = raw[2];
            assertThat(score.overall()).isCloseTo(-0.00533021 * x * x * x + 0.005101 * x * x + 1.18058466 * x
                    - 0.11236046, within(1e-4));
            assertThat(p.description()).contains("personalized");
        }
    }

    @Test
    void resamplesOtherRates() throws Exception {
        short[] audio = new short[48_000 * 3];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (short) (6000 * Math.sin(2 * Math.PI * 440 * i / 48_000.0));
        }
        double[] raw = DnsmosTestModel.raw(0.5 * (6000 / 32768.0) * (6000 / 32768.0));
        try (MosPredictor p = MosPredictorProvider.open("dnsmos", model(), 1, Map.of())) {
            MosScore score = p.predict(audio, 0, audio.length, 48_000).orElseThrow();
            assertThat(score.overall()).isCloseTo(quadratic(-0.06766283, 1.11546468, 0.04602535, raw[2]),
                    within(0.01));
        }
    }

    @Test
    void aModelOfAnotherInterfaceIsRefusedSayingWhatWasExpected() throws Exception {
        Path wrong = Files.write(dir.resolve("wrong.onnx"), new OnnxWriter()
                .input("input_1", OnnxWriter.FLOAT, 1L, 16_000L)
                .output("y", OnnxWriter.FLOAT, 1L, 3L)
                .constant("zero", new float[] {0, 0, 0}, 1, 3)
                .node("ReduceMean", new String[] {"input_1"}, "m", "keepdims", 1)
                .node("Add", new String[] {"m", "zero"}, "y")
                .model("wrong", "chorus-test", 8, 17));
        assertThatThrownBy(() -> new DnsmosProvider().open(wrong, 1, Map.of()))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("input 'input_1' has type FLOAT[1,16000] (expected: FLOAT[?,144160])")
                .hasMessageContaining("quality.mos.model")
                .cause().isInstanceOf(ModelLoadException.class);
        assertThatThrownBy(() -> new DnsmosProvider().open(dir.resolve("absent.onnx"), 1, Map.of()))
                .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("absent.onnx: cannot read");
        assertThatThrownBy(() -> MosPredictorProvider.open("nisqa", model(), 1, Map.of()))
                .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("'nisqa' is not installed");
        assertThatThrownBy(() -> new DnsmosProvider().open(model(), 1, Map.of("personalised", "true")))
                .hasMessageContaining("quality.mos.personalised: unknown setting");
    }
}
