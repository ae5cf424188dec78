package dev.chorus.server.admin;

import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.VoiceInfo;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Whether the server should receive traffic. It starts as {@code starting}, becomes {@code ready} once the default
 * voice (and every voice an alias points to) is loaded and, when asked, has spoken a short phrase, and becomes
 * {@code draining} when shutdown begins. Warm-up runs on its own thread, so the port answers (and liveness
 * passes) while voices load.
 */
public final class Readiness {

    /** The readiness states, as {@code /readyz} names them. */
    public enum State { STARTING, READY, DRAINING, FAILED }

    private static final System.Logger LOG = System.getLogger(Readiness.class.getName());

    private volatile State state = State.STARTING;
    private volatile String detail = "loading voices";
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private final java.util.List<java.util.function.Consumer<State>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public State state() {
        return state;
    }

    /** Calls {@code listener} with the state now and again on every change (from the thread that makes it). */
    public void onChange(java.util.function.Consumer<State> listener) {
        listeners.add(listener);
        listener.accept(state);
    }

    private void set(State s, String why) {
        state = s;
        detail = why;
        listeners.forEach(l -> l.accept(s));
    }

    String detail() {
        return detail;
    }

    /** Returns a future completed when the server is ready (or failed to become so). */
    public CompletableFuture<Void> whenReady() {
        return ready;
    }

    /** Loads the voices in the background and, if {@code speak}, synthesizes a phrase with the default voice. */
    public void warmUp(Synthesizer synthesizer, Collection<VoiceInfo> aliasVoices, boolean speak) {
        Thread.ofPlatform().name("chorus-warm-up").daemon().start(() -> {
            try {
                EngineRegistry registry = synthesizer.registry();
                String dflt = registry.defaultVoice();
                Set<String> ids = new LinkedHashSet<>();
                ids.add(dflt);
                aliasVoices.forEach(v -> ids.add(v.id()));
                ids.forEach(registry::voice);
                if (speak) {
                    synthesizer.start(SynthesisRequest.of("Ready.", dflt), new SynthesisListener() {
                        @Override
                        public void onAudio(short[] samples, int offset, int length) {
                            // Warm-up audio is thrown away.
                        }
                    }).completion().join();
                }
                if (state == State.STARTING) {
                    set(State.READY, "default voice " + dflt + " loaded");
                }
                ready.complete(null);
            } catch (RuntimeException e) {
                set(State.FAILED, "warm-up failed: " + e.getMessage());
                LOG.log(System.Logger.Level.ERROR, detail, e);
                ready.completeExceptionally(e);
            }
        });
    }

    /** Marks the server as draining: it finishes what it has but should get no new traffic. */
    public void draining() {
        set(State.DRAINING, "shutting down");
    }
}
