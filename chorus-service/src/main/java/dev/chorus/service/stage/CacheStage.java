package dev.chorus.service.stage;

import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.SpeechCall;
import dev.chorus.service.SpeechStage;
import dev.chorus.service.cache.AudioCache;
import dev.chorus.service.cache.AudioCacheKey;
import dev.chorus.service.cache.CacheServedOutput;

/**
 * Answers from the audio cache, joins an identical synthesis in progress (single flight), or lets the call
 * through to synthesize and records what it makes. Tells the caller how, as {@value AudioCache#HEADER}.
 */
public final class CacheStage implements SpeechStage {

    private final AudioCache cache;

    public CacheStage(AudioCache cache) {
        this.cache = cache;
    }

    @Override
    public SynthesisHandle serve(SpeechCall call, AudioOutput output, Next next) {
        CacheServedOutput served = new CacheServedOutput(output, call.telemetry());
        // The key (a copy of the request's text and settings) is made only when the cache is looked up.
        return cache.serve(() -> AudioCacheKey.of(call.speech().request(), call.speech().voice()), call.bypass(),
                served, outcome -> answered(call, served, outcome), out -> next.serve(call, out));
    }

    /**
     * Returns this stage answering from {@code pin} alone, as {@link #serve} answers a memory hit (the same
     * header, telemetry and counts); it never passes a call on. A call that may not be answered from the cache
     * (bypassed, or routed to another voice than the pinned entry's) is refused with an
     * {@link IllegalStateException}: whoever pinned the entry must take only calls that no stage changes so.
     */
    public SpeechStage pinned(AudioCache.Pin pin) {
        return (call, output, next) -> {
            if (call.bypass() || !pin.key().voice().equals(call.speech().voice().id())) {
                throw new IllegalStateException("a pinned cache hit cannot serve this call (bypass: "
                        + call.bypass() + ", voice: " + call.speech().voice().id() + ")");
            }
            CacheServedOutput served = new CacheServedOutput(output, call.telemetry());
            return cache.replay(pin, served, outcome -> answered(call, served, outcome));
        };
    }

    private static void answered(SpeechCall call, CacheServedOutput served, AudioCache.Outcome outcome) {
        call.caller().metadata(AudioCache.HEADER, outcome.id());
        served.answeredBy(outcome);
    }
}
