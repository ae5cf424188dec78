package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperEngineProvider;
import dev.chorus.engine.piper.PiperFixture;
import dev.chorus.testing.kokoro.KokoroTestModel;
import dev.chorus.testing.piper.TestVoiceGenerator;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.TtsEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Piper voices in the shared {@code voices.dirs} directories, beside other families' models. */
@Timeout(30)
class SharedVoicesDirTest {

    @Test
    void findsPiperVoicesThereAndLeavesOtherModelsAlone(@TempDir Path shared, @TempDir Path own) {
        TestVoiceGenerator.write(TestVoiceGenerator.Spec.of("shared-voice"), shared.resolve("piper"));
        KokoroTestModel.write(shared.resolve("kokoro"), KokoroTestModel.Layout.SHERPA, 1, false);
        TestVoiceGenerator.write(TestVoiceGenerator.Spec.of("own-voice"), own);
        PiperSettings settings = PiperSettings.of(PiperFixture.context(1, Map.of(
                PiperEngineProvider.VOICES, own.toString(), "voices.dirs", shared.toString())));
        assertThat(settings.voiceDirectories()).containsExactly(own, shared);
        try (TtsEngine e = new PiperEngineProvider().open(PiperFixture.context(1, Map.of(
                "voices.dirs", shared.toString(), PiperEngineProvider.SCAN_INTERVAL, "0")))) {
            // The build also points piper.voices at the checked-in test voices.
            assertThat(e.voices()).extracting(VoiceInfo::id).contains("piper:shared-voice", "piper:test-voice");
            assertThat(e.failures()).as("Kokoro's model.onnx is not a Piper voice missing its config").isEmpty();
        }
    }
}
