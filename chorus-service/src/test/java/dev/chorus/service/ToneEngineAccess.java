package dev.chorus.service;

import dev.chorus.tts.spi.TtsEngineProvider;

/** Hands the package's tone test engine to tests in other packages. */
public final class ToneEngineAccess {

    /** Returns a new tone engine provider (voices {@code tone:a}, 440 Hz, and {@code tone:b}, 660 Hz). */
    public TtsEngineProvider engine() {
        return new ToneEngine();
    }
}
