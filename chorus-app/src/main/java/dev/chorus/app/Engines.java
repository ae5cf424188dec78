package dev.chorus.app;

import dev.chorus.runtime.EngineRegistry;

import java.util.Set;

/**
 * Opens the engines a command needs: only the voice's engine when the voice names one, as start-up costs. The
 * engine settings that have environment variables for {@code chorus serve} ({@code CHORUS_PIPER_VOICES},
 * {@code CHORUS_ESPEAK_DATA}, ...) apply here too.
 */
final class Engines {

    private Engines() {
    }

    private static EngineRegistry.Builder builder() {
        EngineRegistry.Builder b = EngineRegistry.builder();
        ServeSettings.ENGINE_SETTING_ENV.forEach((env, key) -> {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                b.setting(key.substring("engines.".length()), v);
            }
        });
        return b;
    }

    static EngineRegistry forVoice(String voice) {
        String id = voice == null || voice.isBlank() ? EngineRegistry.DEFAULT_VOICE : voice.trim();
        EngineRegistry.Builder b = builder();
        int colon = id.indexOf(':');
        if (colon > 0) {
            b.enabledEngines(Set.of(id.substring(0, colon)));
        }
        EngineRegistry registry = b.build();
        if (registry.engines().isEmpty() && colon > 0 && registry.unavailable().isEmpty()) {
            // An unknown engine prefix: open everything so the error can suggest real voices.
            registry.close();
            return all();
        }
        return registry;
    }

    static EngineRegistry all() {
        return builder().build();
    }
}
