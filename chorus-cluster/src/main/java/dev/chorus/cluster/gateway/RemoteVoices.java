package dev.chorus.cluster.gateway;

import dev.chorus.runtime.EngineRegistry;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.List;
import java.util.Locale;

/**
 * A gateway's stand-in for one engine the workers run: it lists the voices the workers report for that engine,
 * so the gateway's catalog, routing ({@code VoiceRouter}), aliases, language defaults and admission resolve voices
 * exactly as a single process does. It never synthesizes: audio comes from the workers through
 * {@link RemoteSynthesis}; a voice "loaded" here is only a name.
 */
final class RemoteVoices implements TtsEngineProvider {

    private final String engine;
    private final WorkerDirectory directory;

    RemoteVoices(String engine, WorkerDirectory directory) {
        this.engine = engine;
        this.directory = directory;
    }

    @Override
    public String id() {
        return engine;
    }

    @Override
    public TtsEngine open(EngineContext context) {
        return new TtsEngine() {
            @Override
            public String id() {
                return engine;
            }

            @Override
            public String description() {
                return engine + " on the cluster's workers";
            }

            @Override
            public List<VoiceInfo> voices() {
                return directory.voices().values().stream().filter(v -> v.engine().equals(engine)).toList();
            }

            @Override
            public Voice load(String voiceId) {
                VoiceInfo info = voices().stream().filter(v -> v.id().equals(voiceId)).findFirst()
                        .orElseThrow(() -> new VoiceNotFoundException(voiceId, List.of()));
                return new NameOnly(info);
            }

            @Override
            public java.util.Optional<VoiceInfo> otherVersion(String voiceId, String version) {
                return java.util.Optional.ofNullable(directory.voice(voiceId, version))
                        .filter(v -> v.engine().equals(engine));
            }

            @Override
            public LanguageReach languageReach() {
                return directory.languageReach(engine);
            }

            @Override
            public void checkLanguage(VoiceInfo voice, String language) {
                LanguageReach reach = languageReach();
                if (language == null || reach == LanguageReach.ANY) {
                    return;
                }
                String primary = Locale.forLanguageTag(language.replace('_', '-')).getLanguage();
                boolean speaks = !primary.isEmpty() && (EngineRegistry.languageMatches(voice.language(), primary)
                        || reach == LanguageReach.ENGINE
                        && voices().stream().anyMatch(v -> EngineRegistry.languageMatches(v.language(), primary)));
                if (!speaks) {
                    throw new InvalidInputException("language", "language: " + language + " (expected: "
                            + (reach == LanguageReach.VOICE ? voice.locale().getLanguage() + ", any region,"
                            : "a language the " + engine + " engine has a voice for,") + " for voice " + voice.id()
                            + ")");
                }
            }

            @Override
            public void addVoicesListener(Runnable listener) {
                directory.addVoicesListener(listener);
            }

            @Override
            public void close() {
            }
        };
    }

    private record NameOnly(VoiceInfo info) implements Voice {
        @Override
        public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
            throw new EngineUnavailableException("voice " + info.id() + " runs on the cluster's workers, not on "
                    + "the gateway");
        }

        @Override
        public void close() {
        }
    }
}
