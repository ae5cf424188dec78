package dev.chorus.server.grpc;

import dev.chorus.runtime.SynthesisHandle;

/**
 * Joins a client's cancellation to a synthesis that may not have started yet: a cancel that arrives before the
 * handle exists is remembered and applied as soon as it does.
 */
final class Cancellation {

    private SynthesisHandle handle;
    private boolean cancelled;

    /** Cancels the synthesis now, or as soon as it is attached. */
    synchronized void cancel() {
        cancelled = true;
        if (handle != null) {
            handle.cancel();
        }
    }

    /** Attaches the running synthesis. */
    synchronized void attach(SynthesisHandle h) {
        handle = h;
        if (cancelled) {
            h.cancel();
        }
    }
}
