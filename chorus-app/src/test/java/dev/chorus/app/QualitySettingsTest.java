package dev.chorus.app;

import dev.chorus.server.ServerConfig;
import dev.chorus.service.quality.MosSettings;
import dev.chorus.tts.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code quality.mos.*} and {@code backcheck.paraformer.*} settings of {@code chorus serve}. */
class QualitySettingsTest {

    @TempDir
    Path dir;

    @Test
    void noModelNoEstimate() throws Exception {
        MosSettings m = ServeSettings.load(null, Map.of(), Map.of()).serverConfig().qualityMos();
        assertThat(m.enabled()).isFalse();
        assertThat(m.sampleFraction()).isEqualTo(0.1);
        assertThat(m.predictor()).isEqualTo("dnsmos");
    }

    @Test
    void aModelFromTheFileAndTheEnvironment() throws Exception {
        Path f = Files.writeString(dir.resolve("chorus.yaml"), """
                quality:
                  mos:
                    model: /models/DNSMOS/sig_bak_ovr.onnx
                    personalized: true
                backcheck:
                  mode: sampled
                  recognizer: paraformer
                  paraformer:
                    dir: /models/paraformer-zh
                """);
        ServerConfig c = ServeSettings.load(f, Map.of("CHORUS_QUALITY_MOS_SAMPLE_FRACTION", "0.25",
                "CHORUS_BACKCHECK_PARAFORMER_LANGUAGES", "zh,en"), Map.of()).serverConfig();
        assertThat(c.qualityMos().model()).isEqualTo(Path.of("/models/DNSMOS/sig_bak_ovr.onnx"));
        assertThat(c.qualityMos().sampleFraction()).isEqualTo(0.25);
        assertThat(c.qualityMos().predictorSettings()).containsEntry("personalized", "true");
        assertThat(c.backcheck().recognizer()).isEqualTo("paraformer");
        assertThat(c.backcheck().recognizerSettings()).containsEntry("dir", "/models/paraformer-zh")
                .containsEntry("languages", "zh,en").containsEntry("threads", "1");
    }

    @Test
    void aBadFractionIsNamedWithItsSource() {
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_QUALITY_MOS_SAMPLE_FRACTION", "lots"),
                Map.of()).serverConfig())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("quality.mos.sample-fraction: 'lots' (expected: a number from 0 to 1)")
                .hasMessageContaining("CHORUS_QUALITY_MOS_SAMPLE_FRACTION");
    }
}
