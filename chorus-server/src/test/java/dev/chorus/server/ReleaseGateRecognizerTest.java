package dev.chorus.server;

import dev.chorus.asr.Recognizer;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.service.backcheck.Backcheck;
import dev.chorus.service.backcheck.BackcheckSettings;
import dev.chorus.service.backcheck.ReleaseGate;
import dev.chorus.service.backcheck.ReleaseGateSettings;
import dev.chorus.tts.spi.Voice;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The release gate's understanding check with PocketSphinx: the default voice's check sentences are understood, so
 * it passes; an English voice that speaks only tones is refused as not understood, though its signal is clean.
 */
@Timeout(120)
class ReleaseGateRecognizerTest {

    private static final Path VOICES = Path.of("..", "chorus-engine-piper", "src", "test", "resources", "voices");

    @Test
    void understoodVoicesPassAndGarbledOnesAreRefused() {
        try (Recognizer recognizer = Backcheck.openRecognizer(BackcheckSettings.OFF);
             EngineRegistry registry = EngineRegistry.builder().enabledEngines(Set.of("hmm", "espeak", "piper"))
                     .workers("hmm", 1).workers("espeak", 1).workers("piper", 1)
                     .setting("piper.voices", VOICES.toString()).build()) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            ReleaseGate gate = new ReleaseGate(new ReleaseGateSettings(ReleaseGateSettings.Level.RECOGNIZE, 0.5),
                    recognizer, meters);

            Voice good = registry.voice(EngineRegistry.DEFAULT_VOICE);
            assertThat(gate.refuse(good)).as("the default voice, understood").isEmpty();

            Voice tones = registry.voice("piper:test-voice");
            Optional<String> refusal = gate.refuse(tones);
            assertThat(refusal).as("a voice of tones").isPresent();
            assertThat(refusal.get()).contains("not understood (word error rate").doesNotContain("clipped")
                    .doesNotContain("silent");

            assertThat(meters.get("chorus_voice_release_checks_total").tag("outcome", "refused").counter().count())
                    .isEqualTo(1);
            assertThat(meters.get("chorus_voice_release_checks_total").tag("outcome", "passed").counter().count())
                    .isEqualTo(1);
        }
    }
}
