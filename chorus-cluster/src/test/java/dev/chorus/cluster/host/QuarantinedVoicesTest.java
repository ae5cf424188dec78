package dev.chorus.cluster.host;

import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** A quarantined voice shows among its engine's failures while, and only while, it is quarantined. */
class QuarantinedVoicesTest {

    private static final VoiceInfo A = new VoiceInfo("espeak:a", "A", "en", null, 16_000, "espeak", "1", true);
    private static final VoiceInfo B = new VoiceInfo("espeak:b", "B", "en", null, 16_000, "espeak", "1", true);

    @Test
    void aQuarantinedVoiceIsReportedBesideTheEnginesOwnFailures() {
        TtsEngineProvider hosts = new TtsEngineProvider() {
            @Override
            public String id() {
                return "espeak";
            }

            @Override
            public TtsEngine open(EngineContext context) {
                return new TtsEngine() {
                    @Override
                    public String id() {
                        return "espeak";
                    }

                    @Override
                    public String description() {
                        return "remote";
                    }

                    @Override
                    public List<VoiceInfo> voices() {
                        return List.of(A, B);
                    }

                    @Override
                    public Voice load(String voiceId) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public Map<String, String> failures() {
                        return Map.of("espeak:broken", "file unreadable");
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
        AtomicReference<Map<String, String>> quarantined = new AtomicReference<>(Map.of());
        TtsEngine engine = new QuarantinedVoices(hosts, quarantined::get).open(null);
        assertThat(engine.failures()).containsOnlyKeys("espeak:broken");
        quarantined.set(Map.of("espeak:b", "quarantined: its inputs crashed the engine host 5 times",
                "other:x", "quarantined: not this engine's"));
        assertThat(engine.failures()).containsOnlyKeys("espeak:broken", "espeak:b")
                .containsEntry("espeak:b", "quarantined: its inputs crashed the engine host 5 times");
        assertThat(engine.voices()).containsExactly(A, B);
        quarantined.set(Map.of());
        assertThat(engine.failures()).containsOnlyKeys("espeak:broken");
    }
}
