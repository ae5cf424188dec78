package dev.chorus.runtime;

import dev.chorus.tts.VoiceInfo;

/**
 * Watches the stages of one request, for metrics and traces. Times are readings of the synthesizer's clock
 * ({@link Synthesizer#nanoTime()}), so a caller can turn them into durations or wall-clock instants.
 *
 * <p>{@link #planned} runs on the thread that calls {@link Synthesizer#start}; {@link #chunk} runs on engine
 * worker threads, possibly concurrently for the pieces of one request. Callbacks must be quick; one that throws
 * is logged and ignored, never failing the request.
 */
public interface SynthesisObserver {

    /** An observer that records nothing. */
    SynthesisObserver NONE = new SynthesisObserver() {
    };

    /**
     * The request was planned: SSML parsed, text normalized and split into pieces, the voice chosen.
     *
     * @param voice      the request's primary voice
     * @param pieces     the pieces of the plan (speech, pauses and marks)
     * @param startNanos when planning started
     * @param endNanos   when it ended
     */
    default void planned(VoiceInfo voice, int pieces, long startNanos, long endNanos) {
    }

    /**
     * One speech piece ran on an engine worker.
     *
     * @param index       the piece's index in the plan
     * @param voice       the voice that spoke it
     * @param characters  its length in characters (normalized text)
     * @param queuedNanos when it was queued on the engine's pool
     * @param startNanos  when a worker started it
     * @param endNanos    when the engine returned
     * @param completed   {@code false} when the engine failed or was told to stop
     */
    default void chunk(int index, VoiceInfo voice, int characters, long queuedNanos, long startNanos, long endNanos,
                       boolean completed) {
    }
}
