package dev.chorus.runtime;

import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ids an engine accepts without listing them (blends of speakers) resolve to the voice the engine makes. */
class ComposedVoiceTest {

    private final EngineRegistry registry = EngineRegistry.builder().providers(List.of(new StepEngineProvider()))
            .defaultVoice("step:fast").build();

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void anUnlistedIdTheEngineLoadsResolvesAndSpeaks() {
        assertThat(registry.voices()).extracting(VoiceInfo::id).doesNotContain("step:fast+slow");
        VoiceInfo blend = registry.resolve("step:fast+slow");
        assertThat(blend.id()).isEqualTo("step:fast+slow");
        try (VoiceLease lease = registry.acquire(blend)) {
            assertThat(lease.voice().synthesize("one two", SynthesisOptions.defaults(),
                    (samples, offset, length) -> dev.chorus.tts.spi.AudioSink.Action.CONTINUE)).isTrue();
        }
        assertThat(registry.resolve("step:fast+slow@1").id()).isEqualTo("step:fast+slow");
    }

    @Test
    void theEnginesOwnErrorsStand() {
        assertThatThrownBy(() -> registry.resolve("step:fast+nobody")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unknown voice");
        assertThatThrownBy(() -> registry.resolve("step:nothing")).isInstanceOf(VoiceNotFoundException.class);
        assertThatThrownBy(() -> registry.resolve("nosuchengine:x")).isInstanceOf(VoiceNotFoundException.class);
    }
}
