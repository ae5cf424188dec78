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

    /** Unloads the voice. Syntheses still running finish first or fail cleanly. Idempotent. */
    @Override
    void close();
}
