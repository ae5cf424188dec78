package dev.chorus.app;

import dev.chorus.service.backcheck.ReleaseGateSettings;
import dev.chorus.tts.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** backcheck.release-gate and backcheck.release-gate-max-wer: default off, sources, and errors naming the setting. */
class ReleaseGateSettingsTest {

    @Test
    void theGateIsOffUnlessSet() throws Exception {
        assertThat(ServeSettings.load(null, Map.of(), Map.of()).serverConfig().releaseGate())
                .isEqualTo(ReleaseGateSettings.OFF);
    }

    @Test
    void levelAndBoundComeFromTheEnvironmentOrTheFlags() throws Exception {
        ReleaseGateSettings env = ServeSettings.load(null, Map.of("CHORUS_BACKCHECK_RELEASE_GATE", "Signal"),
                Map.of()).serverConfig().releaseGate();
        assertThat(env.level()).isEqualTo(ReleaseGateSettings.Level.SIGNAL);
        assertThat(env.maxWer()).isEqualTo(0.5);
        ReleaseGateSettings flags = ServeSettings.load(null, Map.of(), Map.of("backcheck.release-gate", "recognize",
                "backcheck.release-gate-max-wer", "0.2")).serverConfig().releaseGate();
        assertThat(flags).isEqualTo(new ReleaseGateSettings(ReleaseGateSettings.Level.RECOGNIZE, 0.2));
    }

    @Test
    void badValuesNameTheSetting() {
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_BACKCHECK_RELEASE_GATE", "strict"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("backcheck.release-gate").hasMessageContaining("off, signal, recognize");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_BACKCHECK_RELEASE_GATE_MAX_WER", "1.5"),
                Map.of()).serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("backcheck.release-gate-max-wer");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_BACKCHECK_RELEASE_GATE_MAX_WER", "lots"),
                Map.of()).serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("backcheck.release-gate-max-wer: 'lots'");
    }
}
