package dev.chorus.runtime;

import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.Voice;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One use of a loaded voice, from {@link EngineRegistry#acquire} until {@link #close()}: while any lease on a loaded
 * copy is open, that copy stays usable even if it is unloaded or replaced meanwhile; it closes after its last lease.
 *
 * <p>The registry counts leases in one place, the loaded copy; a lease only remembers whether it was closed, so
 * closing it twice (a run that fails while it completes) ends the use once.
 */
public final class VoiceLease implements AutoCloseable {

    private final LoadedVoice copy;
    private final AtomicBoolean closed = new AtomicBoolean();

    VoiceLease(LoadedVoice copy) {
        this.copy = copy;
    }

    /**
     * Returns the leased voice. It stays usable until {@link #close()}; a caller that keeps it longer may find it
     * closed.
     */
    public Voice voice() {
        return copy.voice();
    }

    /** Returns what the engine loaded: the version in use, which is newer than the one asked for after a reload. */
    public VoiceInfo info() {
        return copy.info();
    }

    /** Ends this use; the last lease on a copy that was unloaded or replaced closes it. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            copy.end();
        }
    }

    @Override
    public String toString() {
        return "lease on " + copy + (closed.get() ? " (closed)" : "");
    }
}
