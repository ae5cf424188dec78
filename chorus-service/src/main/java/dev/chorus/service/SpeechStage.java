package dev.chorus.service;

import dev.chorus.runtime.SynthesisHandle;

/**
 * One step of serving a prepared request, composed like a decorator around the rest of the pipeline: it may
 * refuse the call (throw), answer it itself (a cache hit), or pass it, possibly changed, to {@code next}. A stage
 * knows no protocol, so it can be tested alone and every front end gets it.
 */
@FunctionalInterface
public interface SpeechStage {

    /**
     * Serves {@code call} into {@code output}, usually by calling {@code next}.
     *
     * @return the handle that cancels this request's share of the work
     * @throws RuntimeException to refuse the call before any audio ({@link ApiException} or a
     *                          {@link dev.chorus.tts.ChorusException})
     */
    SynthesisHandle serve(SpeechCall call, AudioOutput output, Next next);

    /** The rest of the pipeline after a stage. */
    @FunctionalInterface
    interface Next {
        /** Serves {@code call} into {@code output} with the remaining stages. */
        SynthesisHandle serve(SpeechCall call, AudioOutput output);
    }
}
