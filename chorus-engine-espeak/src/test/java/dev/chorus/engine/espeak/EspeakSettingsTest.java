package dev.chorus.engine.espeak;

import dev.chorus.tts.EngineUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings errors and a missing library fail {@code open()} with one clear message; no library needed. */
class EspeakSettingsTest {

    @Test
    void aMissingLibraryNamesThePackagesToInstall() {
        Map<String, String> settings = Map.of(EspeakEngineProvider.LIBRARY, "/nowhere/libespeak-ng.so.1");
        assertThatThrownBy(() -> EspeakFixture.open(1, settings))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("espeak.library: /nowhere/libespeak-ng.so.1 does not exist")
                .hasMessageContaining("libespeak-ng1 espeak-ng-data");
    }

    @Test
    void aFileThatIsNotTheLibraryIsReportedUnavailable(@TempDir Path dir) throws Exception {
        Path fake = Files.writeString(dir.resolve("libespeak-ng.so.1"), "not a library");
        assertThatThrownBy(() -> EspeakFixture.open(1, Map.of(EspeakEngineProvider.LIBRARY, fake.toString())))
                .isInstanceOf(EngineUnavailableException.class).hasMessageContaining(fake.getFileName().toString());
    }

    @Test
    void aDataDirectoryWithoutDataIsReported(@TempDir Path dir) {
        assertThatThrownBy(() -> EspeakFixture.open(1, Map.of(EspeakEngineProvider.DATA, dir.toString())))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("espeak.data: " + dir)
                .hasMessageContaining("espeak-ng-data");
    }

    @Test
    void anUnknownIsolationModeIsRejected() {
        assertThatThrownBy(() -> EspeakFixture.open(1, Map.of(EspeakEngineProvider.ISOLATION, "threads")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("espeak.isolation: 'threads' (expected: copies or lock)");
    }
}
