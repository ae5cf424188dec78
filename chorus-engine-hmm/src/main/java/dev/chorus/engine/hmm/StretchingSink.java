package dev.chorus.engine.hmm;

import dev.chorus.audio.SampleConsumer;
import dev.chorus.audio.TimeStretch;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.SynthesisEvent;

/**
 * Speeds audio up by a further factor with a pitch-keeping time-stretch (WSOLA) on its way to a sink, scaling event
 * positions to match: the part of a speed MaryTTS's own rate control cannot reach.
 */
final class StretchingSink implements AudioSink {

    private final AudioSink sink;
    private final TimeStretch stretch;
    private final double factor;
    private final SampleConsumer forward;
    private Action action = Action.CONTINUE;

    StretchingSink(AudioSink sink, int sampleRate, double factor) {
        this.sink = sink;
        this.factor = factor;
        this.stretch = TimeStretch.create(sampleRate, factor);
        this.forward = (samples, offset, length) -> {
            if (action == Action.CONTINUE && length > 0) {
                action = sink.onAudio(samples, offset, length);
            }
        };
    }

    @Override
    public Action onAudio(short[] samples, int offset, int length) {
        stretch.process(samples, offset, length, forward);
        return action;
    }

    @Override
    public Action onEvent(SynthesisEvent event) {
        if (action == Action.STOP) {
            return action;
        }
        SynthesisEvent scaled = switch (event) {
            case SynthesisEvent.Word w -> new SynthesisEvent.Word(w.textOffset(), w.textLength(), scale(w.sampleOffset()));
            case SynthesisEvent.Sentence s -> new SynthesisEvent.Sentence(s.textOffset(), scale(s.sampleOffset()));
            case SynthesisEvent.Mark m -> new SynthesisEvent.Mark(m.name(), scale(m.sampleOffset()));
        };
        action = sink.onEvent(scaled);
        return action;
    }

    /** Sends what the stretch still holds; returns {@code false} if the sink said stop. */
    boolean finish() {
        stretch.flush(forward);
        return action == Action.CONTINUE;
    }

    private long scale(long sampleOffset) {
        return Math.round(sampleOffset / factor);
    }
}
