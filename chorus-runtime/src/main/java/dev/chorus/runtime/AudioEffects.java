package dev.chorus.runtime;

import dev.chorus.audio.Gain;
import dev.chorus.audio.PitchShift;
import dev.chorus.tts.SynthesisOptions;

import java.util.Arrays;

/**
 * Pitch and volume changes applied to one piece's audio at the voice's rate, in a stream: a pitch shift that keeps
 * the duration, then a gain that clips instead of wrapping. Not thread-safe; one per piece.
 */
final class AudioEffects {

    private final PitchShift pitch;
    private final Gain gain;
    private short[] out = new short[0];
    private int outLength;

    private AudioEffects(SynthesisOptions options, int sampleRate) {
        this.pitch = options.pitch() == 0 ? null : PitchShift.create(sampleRate, options.pitch());
        this.gain = options.volume() == 0 ? null : Gain.ofDecibels(options.volume());
    }

    /** Returns the effects {@code options} ask for, or {@code null} when the audio stays as it is. */
    static AudioEffects create(SynthesisOptions options, int sampleRate) {
        return options.altersAudio() ? new AudioEffects(options, sampleRate) : null;
    }

    /** Returns the processed audio for {@code in} (possibly shorter or empty while the pitch shifter fills up). */
    short[] process(short[] in) {
        if (pitch == null) {
            gain.apply(in, 0, in.length);
            return in;
        }
        outLength = 0;
        pitch.process(in, 0, in.length, this::collect);
        return result();
    }

    /** Returns what the effects still hold at the end of the piece. */
    short[] flush() {
        if (pitch == null) {
            return new short[0];
        }
        outLength = 0;
        pitch.flush(this::collect);
        return result();
    }

    private void collect(short[] samples, int offset, int length) {
        if (outLength + length > out.length) {
            out = Arrays.copyOf(out, Math.max(outLength + length, out.length * 2));
        }
        System.arraycopy(samples, offset, out, outLength, length);
        outLength += length;
    }

    private short[] result() {
        short[] r = Arrays.copyOf(out, outLength);
        if (gain != null) {
            gain.apply(r, 0, r.length);
        }
        return r;
    }
}
