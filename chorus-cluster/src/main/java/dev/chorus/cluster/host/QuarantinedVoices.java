package dev.chorus.cluster.host;

import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An engine provider of the hosts' voices that also reports the voices quarantined for crashing the hosts among its
 * failures, so the voice list shows them (and aliases fall back past them) while they are refused.
 */
public final class QuarantinedVoices implements TtsEngineProvider {

    private final TtsEngineProvider provider;
    private final Supplier<Map<String, String>> quarantined;

    /** Wraps {@code provider}; {@code quarantined} answers the voices quarantined now, with the reason. */
    public QuarantinedVoices(TtsEngineProvider provider, Supplier<Map<String, String>> quarantined) {
        this.provider = provider;
        this.quarantined = quarantined;
    }

    @Override
    public String id() {
        return provider.id();
    }

    @Override
    public TtsEngine open(EngineContext context) {
        TtsEngine engine = provider.open(context);
        return new TtsEngine() {
            @Override
            public String id() {
                return engine.id();
            }

            @Override
            public String description() {
                return engine.description();
            }

            @Override
            public List<VoiceInfo> voices() {
                return engine.voices();
            }

            @Override
            public Voice load(String voiceId) {
                return engine.load(voiceId);
            }

            @Override
            public void addVoicesListener(Runnable listener) {
                engine.addVoicesListener(listener);
            }

            @Override
            public void reload(String voiceId) {
                engine.reload(voiceId);
            }

            @Override
            public Map<String, String> failures() {
                Map<String, String> all = new LinkedHashMap<>(engine.failures());
                Map<String, String> q = quarantined.get();
                if (!q.isEmpty()) {
                    for (VoiceInfo v : engine.voices()) {
                        String why = q.get(v.id());
                        if (why != null) {
                            all.put(v.id(), why);
                        }
                    }
                }
                return all;
            }

            @Override
            public Optional<VoiceInfo> otherVersion(String voiceId, String version) {
                return engine.otherVersion(voiceId, version);
            }

            @Override
            public void checkLanguage(VoiceInfo voice, String language) {
                engine.checkLanguage(voice, language);
            }

            @Override
            public LanguageReach languageReach() {
                return engine.languageReach();
            }

            @Override
            public Optional<Phonemizer> phonemizer() {
                return engine.phonemizer();
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }
}
