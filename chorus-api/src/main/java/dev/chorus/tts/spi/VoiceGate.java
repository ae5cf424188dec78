package dev.chorus.tts.spi;

import java.util.Optional;

/**
 * Decides whether a new version of a voice may serve. An engine whose voices change while it runs (a hot-reloaded
 * model directory, an admin reload) asks its context's gate about each new version after loading it and before it
 * becomes current; a refused version never serves, and the version before it (if any) keeps serving.
 *
 * <p>The gate runs on the engine's loading thread and may synthesize with the candidate, so it may take seconds.
 */
@FunctionalInterface
public interface VoiceGate {

    /** A gate that lets every version serve. */
    VoiceGate OPEN = candidate -> Optional.empty();

    /**
     * Checks a candidate version.
     *
     * @param candidate the new version, usable for synthesis; the gate must not close it
     * @return why it must not serve (one line, shown in voice listings and the log), or empty to let it serve
     */
    Optional<String> refuse(Voice candidate);
}
