package dev.chorus.audio;

import java.util.Objects;

/**
 * Changes the volume by a fixed number of decibels, from {@link #MIN_DB} (-60 dB, a factor of 0.001) to
 * {@link #MAX_DB} (+20 dB, a factor of 10).
 *
 * <p>Each sample is multiplied by {@code 10^(dB/20)}, rounded to the nearest integer and clipped to the 16-bit
 * range: a loud signal raised too far is flattened at full scale, never wrapped around. 0 dB passes samples
 * through unchanged. Stateless, so nothing is held back and {@link #flush} gives nothing; one instance may
 * serve any number of streams and threads.
 */
public final class Gain implements SampleProcessor {

    /** The lowest gain, in dB. */
    public static final double MIN_DB = -60;

    /** The highest gain, in dB. */
    public static final double MAX_DB = 20;

    private static final int CHUNK = 4096;

    private final double decibels;
    private final float factor;

    private Gain(double decibels) {
        this.decibels = decibels;
        this.factor = (float) Math.pow(10, decibels / 20);
    }

    /**
     * Returns a gain of {@code decibels}.
     *
     * @throws IllegalArgumentException if {@code decibels} is not a number from {@link #MIN_DB} to
     *     {@link #MAX_DB}
     */
    public static Gain ofDecibels(double decibels) {
        if (!(decibels >= MIN_DB && decibels <= MAX_DB)) {
            throw new IllegalArgumentException(
                    "gain: " + decibels + " dB (expected: " + MIN_DB + " to " + MAX_DB + " dB)");
        }
        return new Gain(decibels);
    }

    /** Returns the gain in dB. */
    public double decibels() {
        return decibels;
    }

    /** Returns the amplitude factor, {@code 10^(dB/20)}. */
    public double factor() {
        return factor;
    }

    /** Returns whether this gain leaves samples unchanged (0 dB). */
    public boolean isIdentity() {
        return decibels == 0;
    }

    /**
     * Applies the gain in place to {@code length} samples of {@code samples} starting at {@code offset}.
     *
     * @throws IndexOutOfBoundsException if the range lies outside {@code samples}
     */
    public void apply(short[] samples, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, samples.length);
        if (isIdentity()) {
            return;
        }
        for (int i = offset; i < offset + length; i++) {
            samples[i] = scale(samples[i]);
        }
    }

    @Override
    public void process(short[] samples, int offset, int length, SampleConsumer out) {
        Objects.requireNonNull(samples, "samples");
        Objects.checkFromIndexSize(offset, length, samples.length);
        Objects.requireNonNull(out, "out");
        if (length == 0) {
            return;
        }
        if (isIdentity()) {
            out.accept(samples, offset, length);
            return;
        }
        short[] chunk = new short[Math.min(length, CHUNK)];
        for (int done = 0; done < length; done += chunk.length) {
            int count = Math.min(chunk.length, length - done);
            for (int i = 0; i < count; i++) {
                chunk[i] = scale(samples[offset + done + i]);
            }
            out.accept(chunk, 0, count);
        }
    }

    /** Gives nothing: the gain holds nothing back. */
    @Override
    public void flush(SampleConsumer out) {
        Objects.requireNonNull(out, "out");
    }

    private short scale(short sample) {
        int v = Math.round(sample * factor);
        return (short) Math.clamp(v, Short.MIN_VALUE, Short.MAX_VALUE);
    }

    @Override
    public String toString() {
        return "Gain[" + decibels + " dB]";
    }
}
