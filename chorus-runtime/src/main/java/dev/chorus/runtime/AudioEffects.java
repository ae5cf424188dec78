package dev.chorus.runtime;

import dev.chorus.tts.SynthesisOptions;

/** Pitch and volume changes applied to one piece's audio at the voice's rate, in a stream. Not thread-safe. */
final class AudioEffects {

    private final double gain;

    private AudioEffects(SynthesisOptions options, int sampleRate) {
        this.gain = Math.pow(10, options.volume() / 20);
    }

    /** Returns the effects {@code options} ask for, or {@code null} when the audio stays as it is. */
    static AudioEffects create(SynthesisOptions options, int sampleRate) {
        return options.altersAudio() ? new AudioEffects(options, sampleRate) : null;
    }

    short[] process(short[] in) {
        short[] out = new short[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = (short) Math.clamp(Math.round(in[i] * gain), Short.MIN_VALUE, Short.MAX_VALUE);
        }
        return out;
    }

    short[] flush() {
        return new short[0];
    }
}
