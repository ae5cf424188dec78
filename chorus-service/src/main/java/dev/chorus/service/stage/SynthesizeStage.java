package dev.chorus.service.stage;

import dev.chorus.audio.EncoderOptions;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.EncodingListener;
import dev.chorus.service.SpeechCall;
import dev.chorus.service.SpeechStage;
import dev.chorus.service.Synthesis;

/**
 * The end of the pipeline: starts the synthesis with the caller's priority and turns its PCM into the output's
 * encoded runs, masking what the screening asked for on the way.
 */
public final class SynthesizeStage implements SpeechStage.Next {

    private final Synthesis synthesis;
    private final EncoderOptions encoderOptions;

    public SynthesizeStage(Synthesis synthesis, EncoderOptions encoderOptions) {
        this.synthesis = synthesis;
        this.encoderOptions = encoderOptions;
    }

    @Override
    public SynthesisHandle serve(SpeechCall call, AudioOutput output) {
        var request = call.speech().parsed().withPriority(call.caller().priority());
        var encoding = new EncodingListener(request.request().encoding(), encoderOptions, output, call.telemetry());
        return synthesis.start(request, call.screening().wrap(call.tap().apply(encoding)),
                call.telemetry().observer(synthesis::nanoTime),
                !call.bypass());
    }
}
