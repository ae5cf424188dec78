package dev.chorus.tts.spi;

import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;

import java.util.List;
import java.util.Map;
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

    /**
     * Registers a callback run after {@link #voices()} changed: a voice was added, replaced by a new version or
     * removed. Engines whose voices never change may ignore it. The callback may run on any thread and must not
     * block for long.
     */
    default void addVoicesListener(Runnable listener) {
    }

    /**
     * Rereads the voices from their source now (for engines that load voices from files), so that a changed voice
     * becomes a new version at once instead of at the next scan.
     *
     * @param voiceId a voice to reload, or {@code null} for all
     * @throws VoiceNotFoundException if {@code voiceId} names no voice of this engine
     */
    default void reload(String voiceId) {
    }

    /**
     * Returns the voices that exist but could not be loaded, each with the reason (for catalogs and health). The
     * key is the voice id the voice would have had.
     */
    default Map<String, String> failures() {
        return Map.of();
    }

    /**
     * Returns another version of one of {@link #voices()}, for an {@code id@version} that is not the listed
     * version: an engine that still serves older versions beside the current one (a cluster gateway, whose workers
     * may hold different versions during a rollout) answers with that version's description. Most engines hold one
     * version per voice and keep this default, empty.
     *
     * @param voiceId a voice id from {@link #voices()}
     * @param version the version asked for
     */
    default Optional<VoiceInfo> otherVersion(String voiceId, String version) {
        return Optional.empty();
    }

    /** Returns this engine's phonemizer, if it can turn text into IPA phonemes. */
    default Optional<Phonemizer> phonemizer() {
        return Optional.empty();
    }

    /** Unloads every voice and frees native resources. Idempotent. */
    @Override
    void close();
}
