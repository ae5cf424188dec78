package dev.chorus.audio;

import java.util.Arrays;
import java.util.Objects;

/**
 * Decoded 16-bit PCM audio: its sample rate, channel count and interleaved samples.
 *
 * <p>The samples array is shared, not copied, to keep large audio cheap to pass around; treat it as read-only.
 * Equality compares the sample contents.
 *
 * @param sampleRate frames per second, in Hz
 * @param channels number of interleaved channels (1 for everything Chorus writes)
 * @param samples interleaved samples, {@code frames() * channels} of them
 */
public record Wav(int sampleRate, int channels, short[] samples) {

    /** Validates the fields: a positive rate and channel count, and whole frames of samples. */
    public Wav {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate: " + sampleRate + " (expected: > 0)");
        }
        if (channels <= 0) {
            throw new IllegalArgumentException("channels: " + channels + " (expected: > 0)");
        }
        Objects.requireNonNull(samples, "samples");
        if (samples.length % channels != 0) {
            throw new IllegalArgumentException("samples.length: " + samples.length
                    + " (expected: a multiple of channels, " + channels + ")");
        }
    }

    /** Returns the number of frames (samples per channel). */
    public int frames() {
        return samples.length / channels;
    }

    /** Returns the duration in seconds. */
    public double seconds() {
        return frames() / (double) sampleRate;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Wav w && w.sampleRate == sampleRate && w.channels == channels
                && Arrays.equals(w.samples, samples);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * sampleRate + channels) + Arrays.hashCode(samples);
    }

    @Override
    public String toString() {
        return "Wav[" + sampleRate + " Hz, " + channels + " ch, " + frames() + " frames]";
    }
}
