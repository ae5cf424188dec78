package dev.chorus.tts.spi;

import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;

import java.util.List;
import java.util.Optional;

/**
 * An open engine: lists its voices, loads them, and releases everything on {@link #close()}.
 *
 * <p>Implementations are thread-safe: the runtime calls {@link Voice#synthesize} from up to
 * {@link EngineContext#workers()} threads at once and never from I/O event loops.
 */
public interface TtsEngine extends AutoCloseable {

    /** Returns the engine id, the same as its provider's. */
    String id();

    /** Returns a one-line description (library and version) for logs and catalogs. */
    String description();

    /** Returns every voice this engine can load. */
    List<VoiceInfo> voices();

    /**
     * Loads a voice so it can synthesize. Loading the same id twice may return the same instance.
     *
     * @param voiceId a full id from {@link #voices()}
     * @throws VoiceNotFoundException if this engine has no such voice
     */
    Voice load(String voiceId);

    /** Returns this engine's phonemizer, if it can turn text into IPA phonemes. */
    default Optional<Phonemizer> phonemizer() {
        return Optional.empty();
    }

    /** Unloads every voice and frees native resources. Idempotent. */
    @Override
    void close();
}
