package dev.chorus.tts.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an engine is handed when it opens.
 *
 * @param workers      how many syntheses the runtime will run on this engine at once; engines that need per-thread
 *                     state (such as a private native library copy) size it from this
 * @param settings     engine-specific settings ({@code key -> value}), documented per engine
 * @param phonemizers  the phonemizers other engines offer, by name (see {@link #phonemizer(String)})
 * @param gate         what a new version of a voice must pass before it serves, when voices change while the
 *                     engine runs ({@link VoiceGate#OPEN} unless the server sets a release gate)
 */
public record EngineContext(int workers, Map<String, String> settings, PhonemizerSource phonemizers,
                            VoiceGate gate) {

    public EngineContext {
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: >= 1)");
        }
        settings = Map.copyOf(Objects.requireNonNull(settings, "settings"));
        Objects.requireNonNull(phonemizers, "phonemizers");
        Objects.requireNonNull(gate, "gate");
    }

    /** Returns a context with the given worker count, settings and phonemizers, and an open gate. */
    public EngineContext(int workers, Map<String, String> settings, PhonemizerSource phonemizers) {
        this(workers, settings, phonemizers, VoiceGate.OPEN);
    }

    /** Returns a context with the given worker count and settings, and no phonemizers. */
    public EngineContext(int workers, Map<String, String> settings) {
        this(workers, settings, PhonemizerSource.none());
    }

    /** Returns a context with the given worker count, no settings and no phonemizers. */
    public static EngineContext of(int workers) {
        return new EngineContext(workers, Map.of());
    }

    /** Returns the setting for {@code key}, or {@code fallback} when it is not set. */
    public String setting(String key, String fallback) {
        return settings.getOrDefault(key, fallback);
    }

    /**
     * Returns the phonemizer named {@code name}: the runtime offers each open engine's
     * {@link TtsEngine#phonemizer()} under the engine's id ({@code espeak}). An engine calls this while it opens or
     * later; the runtime opens the engine that offers it first when needed.
     *
     * @return the phonemizer, or empty when no engine offers one under that name
     */
    public Optional<Phonemizer> phonemizer(String name) {
        return phonemizers.phonemizer(Objects.requireNonNull(name, "name"));
    }

    /** Returns a copy of this context that offers the phonemizers of {@code source}. */
    public EngineContext withPhonemizers(PhonemizerSource source) {
        return new EngineContext(workers, settings, source, gate);
    }

    /** Returns a copy of this context whose new voice versions must pass {@code g}. */
    public EngineContext withGate(VoiceGate g) {
        return new EngineContext(workers, settings, phonemizers, g);
    }
}
