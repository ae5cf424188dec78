package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperEngineProvider;
import dev.chorus.engine.piper.PiperFixture;
import dev.chorus.engine.piper.PiperVoice;
import dev.chorus.onnx.SessionFactory;
import dev.chorus.tts.spi.EngineContext;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings: defaults, parsing, errors that name the setting, and the CUDA fallback. */
class SettingsTest {

    private static PiperSettings settings(int workers, Map<String, String> values) {
        return PiperSettings.of(new EngineContext(workers, values));
    }

    @Test
    void defaultsFollowTheWorkers() {
        PiperSettings s = settings(3, Map.of(PiperEngineProvider.VOICES, "/tmp/a"));
        assertThat(s.maxConcurrentRuns()).isEqualTo(3);
        assertThat(s.intraOpThreads()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 3));
        assertThat(s.interOpThreads()).isEqualTo(1);
        assertThat(s.optimization()).isEqualTo(PiperSettings.Optimization.ALL);
        assertThat(s.device()).isEqualTo(PiperSettings.Device.CPU);
        assertThat(s.scanInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.sentenceSilence()).isEqualTo(Duration.ofMillis(200));
        assertThat(PiperSettings.defaultDirectories().getFirst().toString()).endsWith("chorus" + File.separator
                + "voices");
    }

    @Test
    void parsesEveryValue() {
        PiperSettings s = settings(1, Map.of(
                PiperEngineProvider.VOICES, "/tmp/a" + File.pathSeparator + " /tmp/b ",
                PiperEngineProvider.SCAN_INTERVAL, "500ms",
                PiperEngineProvider.INTRA_OP_THREADS, "2",
                PiperEngineProvider.INTER_OP_THREADS, "3",
                PiperEngineProvider.OPTIMIZATION, "Extended",
                PiperEngineProvider.MAX_CONCURRENT_RUNS, "5",
                PiperEngineProvider.DEVICE, "CUDA",
                PiperEngineProvider.SENTENCE_SILENCE, "0"));
        assertThat(s.voiceDirectories()).containsExactly(Path.of("/tmp/a"), Path.of("/tmp/b"));
        assertThat(s.scanInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.intraOpThreads()).isEqualTo(2);
        assertThat(s.interOpThreads()).isEqualTo(3);
        assertThat(s.optimization()).isEqualTo(PiperSettings.Optimization.EXTENDED);
        assertThat(s.maxConcurrentRuns()).isEqualTo(5);
        assertThat(s.device()).isEqualTo(PiperSettings.Device.CUDA);
        assertThat(s.sentenceSilence()).isZero();
    }

    @Test
    void rejectsBadValuesNamingTheSetting() {
        for (Map.Entry<String, String> bad : List.of(
                Map.entry(PiperEngineProvider.SCAN_INTERVAL, "soon"),
                Map.entry(PiperEngineProvider.INTRA_OP_THREADS, "0"),
                Map.entry(PiperEngineProvider.INTER_OP_THREADS, "many"),
                Map.entry(PiperEngineProvider.OPTIMIZATION, "max"),
                Map.entry(PiperEngineProvider.MAX_CONCURRENT_RUNS, "-1"),
                Map.entry(PiperEngineProvider.DEVICE, "tpu"),
                Map.entry(PiperEngineProvider.SENTENCE_SILENCE, "-2s"))) {
            assertThatThrownBy(() -> settings(1, Map.of(bad.getKey(), bad.getValue())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(bad.getKey() + ": '" + bad.getValue() + "'")
                    .hasMessageContaining("expected");
        }
    }

    @Test
    void cudaFallsBackToTheCpuWithOneWarning() {
        try (LogCapture log = new LogCapture(SessionFactory.class);
             PiperEngine engine = (PiperEngine) PiperFixture.open(PiperFixture.VOICES, 1,
                     Map.of(PiperEngineProvider.DEVICE, "cuda"))) {
            if (engine.provider().equals("cuda")) {
                assertThat(((PiperVoice) engine.load("piper:test-voice")).provider()).isEqualTo("cuda");
                return;
            }
            assertThat(log.warnings()).filteredOn(w -> w.contains("piper.device=cuda")).hasSize(1);
            assertThat(engine.description()).contains("(cpu)");
            assertThat(((PiperVoice) engine.load("piper:test-voice")).provider()).isEqualTo("cpu");
            assertThat(engine.failures()).isEmpty();
        }
    }
}
