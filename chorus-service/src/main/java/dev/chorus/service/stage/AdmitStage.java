package dev.chorus.service.stage;

import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.service.Admission;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.SpeechCall;
import dev.chorus.service.SpeechStage;

/**
 * Admits the call for its caller: the voice must be allowed, and the request is taken from the caller's limits
 * once (a start on another voice after the first one disappeared checks the new voice, and is not charged
 * again). Cache hits pass through here too: the caller asked for the audio either way.
 */
public final class AdmitStage implements SpeechStage {

    private final Admission admission;

    public AdmitStage(Admission admission) {
        this.admission = admission;
    }

    @Override
    public SynthesisHandle serve(SpeechCall call, AudioOutput output, Next next) {
        admission.checkVoice(call.caller(), call.speech().askedVoice(), call.speech().voice());
        if (!call.rerouted()) {
            admission.charge(call.caller(), call.speech().characters());
        }
        return next.serve(call, output);
    }
}
