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

    /**
     * Refuses a language that {@code voice} cannot speak for a request that asks for it (the request's language,
     * an SSML document's or one of its elements' {@code xml:lang}), as {@link Voice#synthesize} would refuse it
     * with these options. Called when a request is prepared, before it is admitted or accepted as a job, so such
     * a request is refused up front, never accepted and then failed. The default accepts every language: the
     * engine speaks any text with its voices' own sounds and uses the language only for text processing.
     *
     * @param voice    one of {@link #voices()}
     * @param language a BCP-47 tag (or a name the engine accepts for a language)
     * @throws dev.chorus.tts.InvalidInputException naming the field {@code language}, when the voice cannot speak it
     */
    default void checkLanguage(VoiceInfo voice, String language) {
    }

    /**
     * Says, as data, which languages {@link #checkLanguage} lets a request ask of a voice, for a process that lists
     * this engine's voices without running it (a cluster gateway) and so must check languages the same way.
     */
    default LanguageReach languageReach() {
        return LanguageReach.ANY;
    }

    /** Which languages a request may ask an engine's voice to speak. */
    enum LanguageReach {
        /** Any: the language changes only text processing; the voice speaks with its own sounds. */
        ANY,
        /** Only the voice's own primary language (any region or script of it). */
        VOICE,
        /** The voice's own, or one that another voice of the same engine speaks, which the synthesis switches to. */
        ENGINE
    }

    /** Returns this engine's phonemizer, if it can turn text into IPA phonemes. */
    default Optional<Phonemizer> phonemizer() {
        return Optional.empty();
    }

    /** Unloads every voice and frees native resources. Idempotent. */
    @Override
    void close();
}
