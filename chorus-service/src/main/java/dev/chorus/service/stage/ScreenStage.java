package dev.chorus.service.stage;

import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.SpeechCall;
import dev.chorus.service.SpeechStage;
import dev.chorus.service.safety.ContentSafety;

/** Screens the input against the content rules: refuses it (422), marks words to mask, or lets it pass. */
public final class ScreenStage implements SpeechStage {

    private final ContentSafety safety;

    public ScreenStage(ContentSafety safety) {
        this.safety = safety;
    }

    @Override
    public SynthesisHandle serve(SpeechCall call, AudioOutput output, Next next) {
        return next.serve(call.screened(safety.screen(call.caller(), call.speech())), output);
    }
}
