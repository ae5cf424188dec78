package dev.chorus.app;

import dev.chorus.tts.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settings of {@code engines.isolation}: off by default, and clear errors for values that cannot work. */
class EngineIsolationTest {

    private static EngineIsolation isolation(Map<String, String> env, ClusterMode.Role role) throws Exception {
        return EngineIsolation.of(ServeSettings.load(null, env, Map.of()), role);
    }

    @Test
    void offByDefaultSoEveryEngineStaysInTheServer() throws Exception {
        assertThat(isolation(Map.of(), ClusterMode.Role.ALL).active()).isFalse();
    }

    @Test
    void processIsolatesTheListedEnginesThatAreEnabled() throws Exception {
        assertThat(isolation(Map.of("CHORUS_ENGINE_ISOLATION", "process"), ClusterMode.Role.ALL).active()).isTrue();
        // Only hmm enabled: nothing native left to isolate.
        assertThat(isolation(Map.of("CHORUS_ENGINE_ISOLATION", "process", "CHORUS_ENGINES", "hmm"),
                ClusterMode.Role.ALL).active()).isFalse();
    }

    @Test
    void badValuesNameTheSettingAndWhatIsExpected() {
        assertThatThrownBy(() -> isolation(Map.of("CHORUS_ENGINE_ISOLATION", "threads"), ClusterMode.Role.ALL))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("CHORUS_ENGINE_ISOLATION")
                .hasMessageContaining("expected: none or process");
        assertThatThrownBy(() -> isolation(Map.of("CHORUS_ENGINE_HOSTS", "0"), ClusterMode.Role.ALL))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("expected: 1..16");
        assertThatThrownBy(() -> isolation(Map.of("CHORUS_ENGINE_QUARANTINE", "0s"), ClusterMode.Role.ALL))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("expected: > 0");
        assertThatThrownBy(() -> isolation(Map.of("CHORUS_ENGINE_HANG_TIMEOUT", "500ms"), ClusterMode.Role.ALL))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("CHORUS_ENGINE_HANG_TIMEOUT")
                .hasMessageContaining("expected: >= 1s");
        assertThatThrownBy(() -> isolation(Map.of("CHORUS_ENGINE_ISOLATION", "process"), ClusterMode.Role.WORKER))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs cluster.role all");
    }
}
