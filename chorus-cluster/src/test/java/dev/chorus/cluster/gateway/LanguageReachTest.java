package dev.chorus.cluster.gateway;

import dev.chorus.cluster.Gateway;
import dev.chorus.cluster.worker.WorkerServer;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A gateway, which lists the workers' voices without running their engines, refuses the languages the workers'
 * engines would refuse: each engine's reach travels in the workers' reports.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LanguageReachTest {

    private static Synthesizer workerSide;
    private static WorkerServer worker;
    private static Gateway gateway;
    private static EngineRegistry catalog;

    @BeforeAll
    static void start() throws Exception {
        workerSide = Synthesizer.builder().registry(EngineRegistry.builder().providers(List.of(
                new Reaching("one", TtsEngine.LanguageReach.VOICE, "en-US", "de-DE"),
                new Reaching("many", TtsEngine.LanguageReach.ENGINE, "en-US", "fr-FR"),
                new Reaching("any", TtsEngine.LanguageReach.ANY, "en-US"))).defaultVoice("one:en-US").build())
                .build();
        worker = WorkerServer.start(workerSide, "127.0.0.1", 0, null);
        gateway = Gateway.builder(List.of("127.0.0.1:" + worker.port())).build();
        assertThat(gateway.awaitWorkers(Duration.ofSeconds(10))).isTrue();
        catalog = EngineRegistry.builder().providers(gateway.engineProviders()).defaultVoice("one:en-US").build();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (workerSide != null) {
            workerSide.close();
        }
    }

    @Test
    void theGatewayRefusesWhatTheWorkersEnginesRefuseAndOnlyThat() {
        record Case(String voice, String language, boolean spoken) {
        }
        for (Case c : List.of(
                new Case("one:en-US", "en-GB", true), new Case("one:en-US", "de", false),
                new Case("one:de-DE", "de-AT", true), new Case("one:en-US", "xx-bogus", false),
                new Case("many:en-US", "fr-CA", true), new Case("many:en-US", "en", true),
                new Case("many:en-US", "de", false),
                new Case("any:en-US", "xx-bogus", true), new Case("one:en-US", null, true))) {
            for (EngineRegistry r : List.of(workerSide.registry(), catalog)) {
                VoiceInfo v = r.resolve(c.voice());
                String where = (r == catalog ? "gateway: " : "worker: ") + c;
                if (c.spoken()) {
                    assertThatCode(() -> r.checkLanguage(v, c.language())).as(where).doesNotThrowAnyException();
                } else {
                    assertThatThrownBy(() -> r.checkLanguage(v, c.language())).as(where)
                            .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("language: ")
                            .hasMessageContaining("for voice " + c.voice());
                }
            }
        }
    }

    /** A test engine whose voices (named by their languages) refuse languages beyond its reach. */
    private record Reaching(String id, TtsEngine.LanguageReach reach, String... languages)
            implements TtsEngineProvider {

        @Override
        public TtsEngine open(EngineContext context) {
            List<VoiceInfo> voices = java.util.Arrays.stream(languages)
                    .map(l -> new VoiceInfo(id + ":" + l, l, l, null, 16_000, id, "1", true)).toList();
            return new TtsEngine() {
                @Override
                public String id() {
                    return id;
                }

                @Override
                public String description() {
                    return "test engine of reach " + reach;
                }

                @Override
                public List<VoiceInfo> voices() {
                    return voices;
                }

                @Override
                public LanguageReach languageReach() {
                    return reach;
                }

                @Override
                public void checkLanguage(VoiceInfo voice, String language) {
                    String primary = java.util.Locale.forLanguageTag(language).getLanguage();
                    boolean own = voice.locale().getLanguage().equals(primary);
                    boolean other = voices.stream().anyMatch(v -> v.locale().getLanguage().equals(primary));
                    if (reach == LanguageReach.VOICE && !own || reach == LanguageReach.ENGINE && !own && !other) {
                        throw new InvalidInputException("language", "language: " + language + " (for voice "
                                + voice.id() + ")");
                    }
                }

                @Override
                public Voice load(String voiceId) {
                    VoiceInfo info = voices.stream().filter(v -> v.id().equals(voiceId)).findFirst().orElseThrow();
                    return new Voice() {
                        @Override
                        public VoiceInfo info() {
                            return info;
                        }

                        @Override
                        public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
                            return sink.onAudio(new short[160], 0, 160) != AudioSink.Action.STOP;
                        }

                        @Override
                        public void close() {
                        }
                    };
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
