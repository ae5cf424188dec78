package dev.chorus.service.stage;

import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.service.Admission;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.SpeechCall;
import dev.chorus.service.SpeechStage;
import dev.chorus.service.VoiceRouter;

/**
 * Admits the call for its caller: every voice it reaches (its own, and those its SSML switches to) must be
 * allowed, and the request is taken from the caller's limits
 * once (a start on another voice after the first one disappeared checks the new voice, and is not charged
 * again). Cache hits pass through here too: the caller asked for the audio either way.
 */
public final class AdmitStage implements SpeechStage {

    private final Admission admission;
    private final VoiceRouter router;

    public AdmitStage(Admission admission, VoiceRouter router) {
        this.admission = admission;
        this.router = router;
    }

    @Override
    public SynthesisHandle serve(SpeechCall call, AudioOutput output, Next next) {
        admission.checkVoice(call.caller(), call.speech().askedVoice(), call.speech().voice());
        // Every voice the request reaches is checked, not only the one it names: SSML <voice> switches too.
        router.voicesReached(call.speech()).forEach((asked, voice) -> admission.checkVoice(call.caller(), asked,
                voice));
        if (!call.rerouted()) {
            admission.charge(call.caller(), call.speech().characters());
        }
        return next.serve(call, output);
    }
}
