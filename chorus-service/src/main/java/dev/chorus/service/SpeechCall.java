package dev.chorus.service;

import dev.chorus.service.safety.ContentSafety;

import dev.chorus.runtime.SynthesisListener;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One request on its way through the stages: the prepared request, who asked, and what earlier stages decided
 * (the content screening, whether the cache is bypassed). Immutable: a stage that decides something passes a
 * changed copy to the next.
 *
 * @param speech    the prepared request
 * @param caller    who asked
 * @param screening what the content rules ask of the audio ({@link ContentSafety#PASS} until screened)
 * @param bypass    whether the audio cache is neither read nor filled for this request
 * @param rerouted  whether this is a second start on another voice, after the first one's voice disappeared
 * @param tap       wraps the listener that encodes the request's PCM (after masking), so a stage can hear the
 *                  audio the client gets (the back-check); identity when no stage listens
 */
public record SpeechCall(PreparedSpeech speech, Caller caller, ContentSafety.Screening screening, boolean bypass,
                         boolean rerouted, UnaryOperator<SynthesisListener> tap) {

    public SpeechCall {
        Objects.requireNonNull(speech, "speech");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(screening, "screening");
        Objects.requireNonNull(tap, "tap");
    }

    /** Creates a call no stage listens to. */
    public SpeechCall(PreparedSpeech speech, Caller caller, ContentSafety.Screening screening, boolean bypass,
                      boolean rerouted) {
        this(speech, caller, screening, bypass, rerouted, UnaryOperator.identity());
    }

    /** Returns a new call for {@code speech} from {@code caller}, with nothing decided yet. */
    public static SpeechCall of(PreparedSpeech speech, Caller caller) {
        return new SpeechCall(speech, caller, ContentSafety.PASS, speech.input().noCache() || caller.noCache(),
                false);
    }

    /** Returns the caller's telemetry. */
    public SpeechTelemetry telemetry() {
        return caller.telemetry();
    }

    /** Returns a copy with {@code s} as the screening; masked audio is never cached or shared. */
    public SpeechCall screened(ContentSafety.Screening s) {
        return new SpeechCall(speech, caller, s, bypass || s.masks(), rerouted, tap);
    }

    /** Returns a copy routed to {@code other} after the first voice disappeared. */
    public SpeechCall rerouted(PreparedSpeech other) {
        return new SpeechCall(other, caller, screening, bypass, true, tap);
    }

    /** Returns a copy whose PCM also passes through {@code listener} (inside the taps set so far). */
    public SpeechCall tapped(UnaryOperator<SynthesisListener> listener) {
        Objects.requireNonNull(listener, "listener");
        return new SpeechCall(speech, caller, screening, bypass, rerouted, l -> tap.apply(listener.apply(l)));
    }
}
