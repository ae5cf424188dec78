package dev.chorus.tts.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds phonemizers by name for an engine that needs one (a neural voice takes phonemes, not text). The runtime
 * offers the phonemizer of every engine it opened that has one, under that engine's id: {@code espeak} is eSpeak
 * NG's IPA. Thread-safe.
 */
@FunctionalInterface
public interface PhonemizerSource {

    /**
     * Returns the phonemizer named {@code name}, or empty when there is none (the engine offering it is not
     * installed, not enabled, or could not open).
     */
    Optional<Phonemizer> phonemizer(String name);

    /** Returns a source that has no phonemizer. */
    static PhonemizerSource none() {
        return name -> Optional.empty();
    }

    /** Returns a source with exactly these phonemizers, by name. */
    static PhonemizerSource of(Map<String, Phonemizer> phonemizers) {
        Map<String, Phonemizer> copy = Map.copyOf(phonemizers);
        return name -> Optional.ofNullable(copy.get(Objects.requireNonNull(name, "name")));
    }
}
