package dev.chorus.asr;

/**
 * Turns speech into words. Implementations are thread-safe: each call takes a private decoder from a pool (or
 * waits for one), so one recognizer serves every thread. {@link #close} frees the decoders; calls after it fail.
 */
public interface Recognizer extends AutoCloseable {

    /** Returns a short name of the recognizer and its model, such as {@code pocketsphinx 5prealpha en-us}. */
    String description();

    /**
     * Tells whether this recognizer understands {@code language} (a BCP 47 tag such as {@code en-US}); a tag
     * is matched by its primary language.
     */
    boolean supports(String language);

    /**
     * Recognizes {@code length} mono 16-bit samples of {@code samples} from {@code offset}, recorded at
     * {@code sampleRate} Hz (resampled as the recognizer needs). The array is not kept.
     *
     * @throws IllegalArgumentException if the range or the rate is invalid
     * @throws IllegalStateException    if the recognizer is closed
     */
    Transcript recognize(short[] samples, int offset, int length, int sampleRate);

    /** Recognizes all of {@code samples}. */
    default Transcript recognize(short[] samples, int sampleRate) {
        return recognize(samples, 0, samples.length, sampleRate);
    }

    /** Frees the decoders, waiting a bounded time for calls in progress. */
    @Override
    void close();
}
