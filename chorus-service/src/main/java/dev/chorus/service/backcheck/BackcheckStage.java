package dev.chorus.service.backcheck;

import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.SpeechCall;
import dev.chorus.service.SpeechStage;

/**
 * Taps the audio of the requests the back-check listens to (every one in strict and all modes, a fraction when
 * sampled; the tenant's own mode, when it has one, replaces the server's) whose voice speaks a language the recognizer understands. Sits after the cache: only audio that is
 * synthesized is checked, and audio refused in strict mode is never recorded.
 */
final class BackcheckStage implements SpeechStage {

    private final Backcheck check;

    BackcheckStage(Backcheck check) {
        this.check = check;
    }

    @Override
    public SynthesisHandle serve(SpeechCall call, AudioOutput output, Next next) {
        if (!check.sampled(call.caller()) || !check.supports(call.speech().voice())) {
            return next.serve(call, output);
        }
        var inputCategories = check.inputCategories(call);
        boolean strict = check.mode(call.caller()) == BackcheckMode.STRICT;
        return next.serve(call.tapped(l -> new BackcheckListener(l, check, call, inputCategories, strict)), output);
    }
}
