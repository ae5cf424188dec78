package dev.chorus.asr;

import java.util.Map;

/**
 * Opens a family of recognizers; found through {@link java.util.ServiceLoader}. A provider whose native library
 * or model is missing says so in {@link #open}'s exception, naming the setting and the package to install.
 */
public interface RecognizerProvider {

    /** Returns the family's id, such as {@code pocketsphinx}; settings are named {@code <id>.<key>}. */
    String id();

    /**
     * Opens a recognizer with up to {@code workers} private decoders (one per thread recognizing at once) and the
     * family's own {@code settings} (keys without the id prefix).
     *
     * @throws dev.chorus.tts.EngineUnavailableException if the library or model is missing
     */
    Recognizer open(int workers, Map<String, String> settings);
}
