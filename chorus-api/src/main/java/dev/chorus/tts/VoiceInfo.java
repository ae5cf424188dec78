package dev.chorus.tts;

import java.util.Locale;
import java.util.Objects;

/**
 * Describes one voice an engine offers.
 *
 * @param id          globally unique id, {@code engine:name}, e.g. {@code hmm:cmu-slt-hsmm} or {@code espeak:en-us}
 * @param displayName human-readable name
 * @param language    BCP-47 language tag, e.g. {@code en-US}
 * @param gender      perceived gender, {@link Gender#UNKNOWN} if the engine does not say
 * @param sampleRate  native output sample rate in Hz
 * @param engine      id of the engine that owns the voice
 * @param version     version of the voice data (changes when the voice is replaced)
 * @param streaming   whether the voice produces audio incrementally within a chunk
 */
public record VoiceInfo(String id, String displayName, String language, Gender gender, int sampleRate,
                        String engine, String version, boolean streaming) {

    public VoiceInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(engine, "engine");
        displayName = displayName == null || displayName.isBlank() ? id : displayName;
        gender = gender == null ? Gender.UNKNOWN : gender;
        version = version == null || version.isBlank() ? "1" : version;
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate: " + sampleRate + " (expected: > 0)");
        }
        if (!id.startsWith(engine + ":")) {
            throw new IllegalArgumentException("id: " + id + " (expected: to start with '" + engine + ":')");
        }
    }

    /** Returns the part of the id after {@code engine:}, the engine's own name for the voice. */
    public String localName() {
        return id.substring(engine.length() + 1);
    }

    /** Returns the language as a {@link Locale}. */
    public Locale locale() {
        return Locale.forLanguageTag(language);
    }
}
