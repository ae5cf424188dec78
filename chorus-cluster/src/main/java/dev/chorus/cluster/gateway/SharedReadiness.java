package dev.chorus.cluster.gateway;

import dev.chorus.runtime.SynthesisListener;

import java.util.ArrayList;
import java.util.List;

/**
 * One client's readiness shared by several waiters (the worker calls of a spread request, and its dispatch of
 * further runs). A listener keeps one pending {@link SynthesisListener#whenReady} callback at a time (a later one
 * replaces it), so the waiters register here and this registers once with the listener, running them all when the
 * client can take more.
 */
final class SharedReadiness {

    private final SynthesisListener listener;
    private final List<Runnable> waiting = new ArrayList<>();
    private boolean registered;

    SharedReadiness(SynthesisListener listener) {
        this.listener = listener;
    }

    /** Returns whether the client can take more now. */
    boolean ready() {
        return listener.ready();
    }

    /** Runs {@code resume} once, when the client can take more (at once when it can already). */
    void whenReady(Runnable resume) {
        boolean register;
        synchronized (this) {
            waiting.add(resume);
            register = !registered;
            registered = true;
        }
        if (register) {
            listener.whenReady(this::release);
        }
    }

    private void release() {
        List<Runnable> run;
        synchronized (this) {
            run = List.copyOf(waiting);
            waiting.clear();
            registered = false;
        }
        run.forEach(Runnable::run);
    }

    /** Returns a listener that only answers {@link SynthesisListener#ready} and {@code whenReady}, through this. */
    SynthesisListener asListener() {
        return new SynthesisListener() {
            @Override
            public void onAudio(short[] samples, int offset, int length) {
                throw new UnsupportedOperationException("readiness only");
            }

            @Override
            public boolean ready() {
                return SharedReadiness.this.ready();
            }

            @Override
            public void whenReady(Runnable resume) {
                SharedReadiness.this.whenReady(resume);
            }
        };
    }
}
