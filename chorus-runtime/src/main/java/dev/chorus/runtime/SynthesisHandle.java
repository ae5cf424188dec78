package dev.chorus.runtime;

import java.util.concurrent.CompletableFuture;

/** A running synthesis: cancel it, or wait for it. */
public interface SynthesisHandle {

    /**
     * Stops the synthesis: queued chunks are dropped and running ones are told to stop; the listener gets
     * {@link SynthesisListener#onError} with a cancellation unless the synthesis had already ended. Idempotent.
     */
    void cancel();

    /** Returns a future completed with the summary, or exceptionally with the {@code ChorusException}. */
    CompletableFuture<SynthesisSummary> completion();
}
