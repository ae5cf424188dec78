package dev.chorus.app;

import dev.chorus.runtime.EngineRegistry;

import java.util.Set;

/** Opens the engines a command needs: only the voice's engine when the voice names one, as start-up costs. */
final class Engines {

    private Engines() {
    }

    static EngineRegistry forVoice(String voice) {
        String id = voice == null || voice.isBlank() ? EngineRegistry.DEFAULT_VOICE : voice.trim();
        EngineRegistry.Builder b = EngineRegistry.builder();
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
        return EngineRegistry.builder().build();
    }
}
