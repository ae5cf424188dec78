package dev.chorus.tts.spi;

import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;

/**
 * A loaded voice. {@link #synthesize} runs on the calling thread and may be called from several threads at once.
 */
public interface Voice extends AutoCloseable {

    /** Returns the voice's metadata; {@link VoiceInfo#sampleRate()} is the rate of every buffer it produces. */
    VoiceInfo info();

    /**
     * Synthesizes one chunk of text (normally one sentence) and hands mono PCM16 audio at
     * {@code info().sampleRate()} to {@code sink} as it is produced, returning when the audio is complete or the
     * sink returned {@link AudioSink.Action#STOP}.
     *
     * @return {@code true} if the whole chunk was synthesized, {@code false} if the sink stopped it
     * @throws InvalidInputException if the text cannot be synthesized (empty, too long, unusable characters)
     * @throws SynthesisException    if the engine fails
     */
    boolean synthesize(String text, SynthesisOptions options, AudioSink sink);

    /**
     * Whether {@link #synthesizePhonemes} works: the voice speaks IPA phonemes given directly (for SSML
     * {@code <phoneme>} and lexicon entries with phonemes).
     */
    default boolean supportsPhonemes() {
        return false;
    }

    /**
     * Synthesizes IPA phonemes (words separated by spaces, stress marks allowed) as one clause, like
     * {@link #synthesize}.
     *
     * @throws UnsupportedOperationException if {@link #supportsPhonemes()} is {@code false}
     */
    default boolean synthesizePhonemes(String ipa, SynthesisOptions options, AudioSink sink) {
        throw new UnsupportedOperationException(info().id() + " does not take phonemes");
    }

    /**
     * Marks the start of one request that will call {@link #synthesize} one or more times: the voice stays usable
     * until the matching {@link #release()}, even if it is replaced or removed meanwhile (it then unloads after the
     * last release).
     *
     * @return {@code false} if the voice was already unloaded; the caller must look it up again
     */
    default boolean retain() {
        return true;
    }

    /** Ends a use begun by a successful {@link #retain()}. */
    default void release() {
    }

    /** Unloads the voice. Syntheses still running finish first or fail cleanly. Idempotent. */
    @Override
    void close();
}
