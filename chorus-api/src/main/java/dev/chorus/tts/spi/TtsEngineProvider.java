package dev.chorus.tts.spi;

import dev.chorus.tts.EngineUnavailableException;

/**
 * Creates one kind of engine. Implementations are found with {@link java.util.ServiceLoader}; they must be cheap
 * to construct and do all real work in {@link #open(EngineContext)}.
 */
public interface TtsEngineProvider {

    /** Returns the engine id used as the prefix of its voice ids, e.g. {@code hmm} or {@code espeak}. */
    String id();

    /**
     * Opens the engine: checks its resources, finds its voices, and readies it to load them.
     *
     * @throws EngineUnavailableException if the engine cannot run on this machine; the message names what is
     *                                    missing and how to get it
     */
    TtsEngine open(EngineContext context);
}
