package dev.chorus.runtime;

import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.Voice;

/**
 * One loaded copy of a voice and the one count of its open {@link VoiceLease}s.
 *
 * <p>Design: the registry files the copy under {@code id@version} until it is unloaded or replaced (retired); a
 * retired copy takes no new leases and closes after its last one. The engine's own count is not stacked per request:
 * the copy holds one {@link Voice#retain()} while it has any lease (taken by the first, given back by the last), so
 * an engine that versions its voices (piper) keeps this version's model open across a reload that happens between
 * two sentences of a request. When that retain fails the engine has already unloaded the copy: the registry drops
 * it and asks the engine again. All state changes under this object's lock; the voice closes outside it.
 */
final class LoadedVoice {

    private static final System.Logger LOG = System.getLogger(EngineRegistry.class.getName());

    private final VoiceInfo info;
    private final Voice voice;
    private int leases;
    private boolean retired;
    private boolean closed;

    LoadedVoice(Voice voice) {
        // Described by what the engine loaded, which is newer than what was resolved when it was replaced meanwhile.
        this.info = voice.info();
        this.voice = voice;
    }

    VoiceInfo info() {
        return info;
    }

    Voice voice() {
        return voice;
    }

    /** Returns {@code id@version}, the key the registry files this copy under. */
    String key() {
        return key(info);
    }

    static String key(VoiceInfo info) {
        return info.id() + "@" + info.version();
    }

    /** Returns a new lease, or {@code null} if this copy was retired, closed, or unloaded by its engine. */
    synchronized VoiceLease lease() {
        if (retired || closed) {
            return null;
        }
        if (leases == 0 && !voice.retain()) {
            return null;
        }
        leases++;
        return new VoiceLease(this);
    }

    /** Ends one lease (called once per lease, by {@link VoiceLease#close()}). */
    void end() {
        boolean close;
        synchronized (this) {
            if (leases == 0) {
                throw new IllegalStateException(this + ": lease ended twice");
            }
            leases--;
            if (leases == 0) {
                releaseEngine();
            }
            close = retired && leases == 0 && !closed;
            closed |= close;
        }
        if (close) {
            closeVoice();
        }
    }

    /** Takes the copy out of service: it takes no new leases and closes after its last one (now if it has none). */
    void retire() {
        boolean close;
        synchronized (this) {
            retired = true;
            close = leases == 0 && !closed;
            closed |= close;
        }
        if (close) {
            closeVoice();
        }
    }

    /** Closes the voice now, whatever its leases (the registry is closing). */
    void closeNow() {
        synchronized (this) {
            if (closed) {
                return;
            }
            retired = true;
            closed = true;
        }
        closeVoice();
    }

    private void releaseEngine() {
        try {
            voice.release();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "releasing voice " + this + " failed", e);
        }
    }

    private void closeVoice() {
        try {
            voice.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing voice " + this + " failed", e);
        }
    }

    @Override
    public String toString() {
        return key();
    }
}
