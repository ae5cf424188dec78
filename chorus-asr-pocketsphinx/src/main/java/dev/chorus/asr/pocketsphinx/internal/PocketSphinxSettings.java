package dev.chorus.asr.pocketsphinx.internal;

import java.util.Map;
import java.util.Set;

/** The recognizer's settings, as named in server configuration (with the {@code pocketsphinx.} prefix). */
final class PocketSphinxSettings {

    static final String LIBRARY = "pocketsphinx.library";
    static final String MODEL = "pocketsphinx.model";
    private static final Set<String> KEYS = Set.of("library", "model");

    private PocketSphinxSettings() {
    }

    /** Fails naming the first key that is not a setting of this recognizer. */
    static void check(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("pocketsphinx." + key + ": unknown setting (expected one of: "
                        + LIBRARY + ", " + MODEL + ")");
            }
        }
    }
}
