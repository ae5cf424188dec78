package dev.chorus.service;

import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisObserver;

/**
 * Where a prepared request's audio is made: the engines in this process ({@link #local}), or, in a cluster, a
 * worker process. The pipeline's stages assume nothing else about it: PCM pieces, timings and the outcome arrive
 * at the listener in order, from whatever thread the synthesis runs on.
 */
public interface Synthesis {

    /**
     * Starts the synthesis of {@code request} (checked and parsed already; its voice resolved) and returns once
     * it is admitted; audio reaches {@code listener} as it is made.
     *
     * @param reuseSentences false to synthesize every sentence afresh (no sentence cache)
     * @throws dev.chorus.tts.ChorusException for an unknown voice or an engine that is full, before any work
     */
    SynthesisHandle start(ParsedRequest request, SynthesisListener listener, SynthesisObserver observer,
                          boolean reuseSentences);

    /** Returns the current reading of the clock that the observer's times use. */
    long nanoTime();

    /** Returns a synthesis on the engines of {@code synthesizer}, in this process. */
    static Synthesis local(dev.chorus.runtime.Synthesizer synthesizer) {
        return new Synthesis() {
            @Override
            public SynthesisHandle start(ParsedRequest request, SynthesisListener listener,
                                         SynthesisObserver observer, boolean reuseSentences) {
                return synthesizer.start(request, listener, observer, reuseSentences);
            }

            @Override
            public long nanoTime() {
                return synthesizer.nanoTime();
            }
        };
    }
}
