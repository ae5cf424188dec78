package dev.chorus.runtime;

import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;

/**
 * Receives one request's audio in text order, at the requested sample rate, as soon as each piece is ready.
 *
 * <p>Callbacks run on engine worker threads, one at a time per request (never concurrently for one request).
 * The {@code samples} array is valid only during {@link #onAudio}. A callback that throws cancels the request
 * (this is how a writer reports that its client went away). Exactly one of {@link #onComplete} and
 * {@link #onError} is called last.
 */
public interface SynthesisListener {

    /** Receives a warning about the request (an SSML element that was ignored, say), before {@link #onStart}. */
    default void onWarning(String warning) {
    }

    /** Called once before any audio, with the voice, the output sample rate and the number of text chunks. */
    default void onStart(VoiceInfo voice, int sampleRate, int chunks) {
    }

    /** Receives the next {@code length} mono PCM16 samples. */
    void onAudio(short[] samples, int offset, int length);

    /**
     * Receives a word, sentence or mark timing, in order of its position in the audio for each kind (estimated
     * word timings of a sentence come after its audio); text offsets point into the request's input.
     */
    default void onTiming(Timing timing) {
    }

    /**
     * Called after piece {@code index} (0-based) of {@code chunks} of the request's plan (sentences, pauses and
     * marks) has been fully delivered: a good moment to flush encoded audio.
     */
    default void onChunkDone(int index, int chunks) {
    }

    /** Called once after the last audio. */
    default void onComplete(SynthesisSummary summary) {
    }

    /** Called once if the request fails, is cancelled or runs past its deadline. */
    default void onError(ChorusException error) {
    }

    /**
     * Tells whether the consumer can take more audio now. While it cannot (a client that reads slower than the
     * engines speak), the synthesis starts no further sentence and replays none from the sentence cache; the
     * sentences already running finish. The default is always ready.
     */
    default boolean ready() {
        return true;
    }

    /**
     * Runs {@code resume} once, as soon as the consumer can take more (at once, on the calling thread, if it
     * already can). Called after {@link #ready()} answered false; {@code resume} may run on any thread.
     */
    default void whenReady(Runnable resume) {
        resume.run();
    }
}
