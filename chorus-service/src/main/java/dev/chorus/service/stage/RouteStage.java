package dev.chorus.service.stage;

import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.PreparedSpeech;
import dev.chorus.service.SpeechCall;
import dev.chorus.service.SpeechStage;
import dev.chorus.service.VoiceRouter;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;

/**
 * Sends the call on with the voice it resolved to and, when that voice disappears before its synthesis starts
 * (its files were removed, or it failed to load) while the name the client used now stands for another voice
 * (an alias falls back along its chain), starts it once more with that voice.
 */
public final class RouteStage implements SpeechStage {

    private final VoiceRouter router;

    public RouteStage(VoiceRouter router) {
        this.router = router;
    }

    @Override
    public SynthesisHandle serve(SpeechCall call, AudioOutput output, Next next) {
        PreparedSpeech speech = call.speech();
        call.telemetry().resolved(speech.voice());
        try {
            return next.serve(call, output);
        } catch (VoiceNotFoundException | EngineUnavailableException e) {
            VoiceInfo again;
            try {
                again = router.resolve(speech.input().model(), speech.askedVoice(), speech.routingLanguage());
            } catch (RuntimeException notAgain) {
                throw e;
            }
            if (again.id().equals(speech.voice().id())) {
                throw e;
            }
            return next.serve(call.rerouted(speech.withVoice(again)), output);
        }
    }
}
