package dev.chorus.onnx.speech;

import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.SynthesisEvent;

import java.util.Arrays;
import java.util.List;

/**
 * Converts one synthesis's float audio (-1..1) to PCM16 and hands it to a sink, word events at their sample
 * positions, counting the samples delivered so far; stops as soon as the sink says stop. One PCM buffer is reused
 * across the sentences of a synthesis. Not thread-safe: one synthesis.
 */
public final class PcmDelivery {

    private final AudioSink sink;
    private short[] pcm = new short[0];
    private long position;

    /** Delivers to {@code sink}. */
    public PcmDelivery(AudioSink sink) {
        this.sink = sink;
    }

    /** Returns the samples delivered so far: the offset of the next sample. */
    public long position() {
        return position;
    }

    /** Hands an event to the sink; returns whether to continue. */
    public boolean event(SynthesisEvent e) {
        return sink.onEvent(e) == AudioSink.Action.CONTINUE;
    }

    /**
     * Delivers {@code length} samples of {@code audio} from {@code offset}, with {@code words} (offsets from the
     * start of the synthesis, in order) placed between the samples they fall on.
     *
     * @return whether to continue
     */
    public boolean audio(float[] audio, int offset, int length, List<SynthesisEvent.Word> words) {
        ensure(length);
        for (int i = 0; i < length; i++) {
            pcm[i] = (short) Math.max(-32767f, Math.min(32767f, audio[offset + i] * 32767f));
        }
        int done = 0;
        for (SynthesisEvent.Word w : words) {
            int at = (int) Math.min(length, Math.max(done, w.sampleOffset() - position));
            if (at > done) {
                if (sink.onAudio(pcm, done, at - done) != AudioSink.Action.CONTINUE) {
                    return false;
                }
                done = at;
            }
            if (!event(w)) {
                return false;
            }
        }
        if (length > done && sink.onAudio(pcm, done, length - done) != AudioSink.Action.CONTINUE) {
            return false;
        }
        position += length;
        return true;
    }

    /** Delivers {@code samples} of silence; returns whether to continue. */
    public boolean silence(int samples) {
        if (samples <= 0) {
            return true;
        }
        ensure(samples);
        Arrays.fill(pcm, 0, samples, (short) 0);
        position += samples;
        return sink.onAudio(pcm, 0, samples) == AudioSink.Action.CONTINUE;
    }

    private void ensure(int length) {
        if (pcm.length < length) {
            pcm = new short[length];
        }
    }
}
