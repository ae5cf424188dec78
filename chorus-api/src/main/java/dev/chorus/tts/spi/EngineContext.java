package dev.chorus.tts.spi;

import java.util.Map;
import java.util.Objects;

/**
 * Settings handed to an engine when it opens.
 *
 * @param workers  how many syntheses the runtime will run on this engine at once; engines that need per-thread
 *                 state (such as a private native library copy) size it from this
 * @param settings engine-specific settings ({@code key -> value}), documented per engine
 */
public record EngineContext(int workers, Map<String, String> settings) {

    public EngineContext {
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: >= 1)");
        }
        settings = Map.copyOf(Objects.requireNonNull(settings, "settings"));
    }

    /** Returns a context with the given worker count and no settings. */
    public static EngineContext of(int workers) {
        return new EngineContext(workers, Map.of());
    }

    /** Returns the setting for {@code key}, or {@code fallback} when it is not set. */
    public String setting(String key, String fallback) {
        return settings.getOrDefault(key, fallback);
    }
}
