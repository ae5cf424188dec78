package dev.chorus.service.backcheck;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The back-check's settings: modes by name, limits with messages that name the setting. */
class BackcheckSettingsTest {

    @Test
    void modesParseByTheirNames() {
        assertThat(BackcheckMode.parse(" Strict ")).isEqualTo(BackcheckMode.STRICT);
        assertThat(BackcheckMode.parse("sampled")).isEqualTo(BackcheckMode.SAMPLED);
        assertThat(BackcheckMode.parse("all")).isEqualTo(BackcheckMode.ALL);
        assertThat(BackcheckSettings.OFF.mode()).isEqualTo(BackcheckMode.OFF);
        assertThatThrownBy(() -> BackcheckMode.parse("sometimes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backcheck.mode: 'sometimes' (expected: off, sampled, strict or all)");
    }

    @Test
    void limitsNameTheSetting() {
        assertThatThrownBy(() -> BackcheckSettings.OFF.withSampleFraction(1.5))
                .hasMessage("backcheck.sample-fraction: 1.5 (expected: 0 to 1)");
        assertThatThrownBy(() -> BackcheckSettings.OFF.withSampleFraction(Double.NaN))
                .hasMessageContaining("backcheck.sample-fraction");
        assertThatThrownBy(() -> new BackcheckSettings(BackcheckMode.ALL, 0.1, "pocketsphinx", Map.of(), 0, 64, 60))
                .hasMessage("backcheck.workers: 0 (expected: 1 to 64)");
    }

    @Test
    void anUnknownRecognizerSaysWhatIsExpected() {
        assertThatThrownBy(() -> Backcheck.openRecognizer(new BackcheckSettings(BackcheckMode.ALL, 0.1, "whisper",
                Map.of(), 1, 64, 60)))
                .hasMessageContaining("backcheck.recognizer: 'whisper' is not installed")
                .hasMessageContaining("libpocketsphinx3 pocketsphinx-en-us");
    }
}
