package dev.chorus.audio;

import java.util.Arrays;
import java.util.Objects;

/**
 * Shifts the pitch of mono 16-bit audio by a number of semitones, from {@link #MIN_SEMITONES} (an octave down)
 * to {@link #MAX_SEMITONES} (an octave up), keeping its duration, as the audio streams.
 *
 * <p>The audio is first made {@code r = 2^(semitones/12)} times longer by {@link TimeStretch}, keeping its pitch,
 * then played {@code r} times faster by {@link Resampler}, converting it from a rate of
 * {@code round(sampleRate * r)} to {@code sampleRate}: that raises every frequency by {@code r} and restores the
 * duration. The ratio is thus exact to within one part in {@code sampleRate}. Formants move with the pitch, as
 * in any resampling shifter. The output holds exactly as many samples as the input. 0 semitones passes samples
 * through unchanged and at once; otherwise the output lags by the stretch's delay (about 35 ms) plus the
 * resampler's (a few ms).
 */
public final class PitchShift implements SampleProcessor {

    /** The lowest shift: an octave down. */
    public static final double MIN_SEMITONES = -12;

    /** The highest shift: an octave up. */
    public static final double MAX_SEMITONES = 12;

    private final int sampleRate;
    private final double semitones;
    private final TimeStretch stretch;
    private final Resampler resampler;
    private long inputTotal;
    private long emitted;
    /** Output held back because it would run ahead of the input; empty in practice. */
    private short[] held = new short[0];
    private int heldLength;
    private boolean flushed;

    private PitchShift(int sampleRate, double semitones) {
        this.sampleRate = sampleRate;
        this.semitones = semitones;
        if (semitones == 0) {
            stretch = null;
            resampler = null;
        } else {
            int virtualRate = (int) Math.round(sampleRate * Math.pow(2, semitones / 12));
            if (!SampleRates.isSupported(virtualRate)) {
                throw new IllegalArgumentException("semitones: " + semitones + " at " + sampleRate
                        + " Hz (expected: a shift to a rate, " + virtualRate + " Hz here, within " + SampleRates.MIN
                        + " to " + SampleRates.MAX + " Hz)");
            }
            stretch = TimeStretch.create(sampleRate, sampleRate / (double) virtualRate);
            resampler = Resampler.create(virtualRate, sampleRate);
        }
    }

    /**
     * Creates a shifter for audio at {@code sampleRate} that moves its pitch by {@code semitones}.
     *
     * @throws IllegalArgumentException if {@code semitones} is not a number from {@link #MIN_SEMITONES} to
     *     {@link #MAX_SEMITONES}, or if {@code sampleRate}, or the rate it is shifted to, lies outside
     *     {@link SampleRates#MIN} to {@link SampleRates#MAX} (an octave up needs at most 96000 Hz, an octave
     *     down at least 8000 Hz)
     */
    public static PitchShift create(int sampleRate, double semitones) {
        SampleRates.check("sampleRate", sampleRate);
        if (!(semitones >= MIN_SEMITONES && semitones <= MAX_SEMITONES)) {
            throw new IllegalArgumentException("semitones: " + semitones + " (expected: " + MIN_SEMITONES
                    + " to " + MAX_SEMITONES + ")");
        }
        return new PitchShift(sampleRate, semitones);
    }

    /** Returns the sample rate, in Hz. */
    public int sampleRate() {
        return sampleRate;
    }

    /** Returns the shift in semitones. */
    public double semitones() {
        return semitones;
    }

    @Override
    public void process(short[] samples, int offset, int length, SampleConsumer out) {
        Objects.requireNonNull(samples, "samples");
        Objects.checkFromIndexSize(offset, length, samples.length);
        Objects.requireNonNull(out, "out");
        if (flushed) {
            throw new IllegalStateException("pitch shift already flushed");
        }
        if (length == 0) {
            return;
        }
        if (stretch == null) {
            out.accept(samples, offset, length);
            return;
        }
        inputTotal += length;
        stretch.process(samples, offset, length, (s, o, n) -> give(resampler.process(s, o, n), out));
        give(new short[0], out);
    }

    @Override
    public void flush(SampleConsumer out) {
        Objects.requireNonNull(out, "out");
        if (flushed) {
            return;
        }
        flushed = true;
        if (stretch == null) {
            return;
        }
        stretch.flush((s, o, n) -> give(resampler.process(s, o, n), out));
        give(resampler.flush(), out);
        if (emitted < inputTotal) {
            short[] silence = new short[(int) (inputTotal - emitted)];
            emitted += silence.length;
            out.accept(silence, 0, silence.length);
        }
        held = new short[0];
    }

    /** Gives out held and new output, no further than the input so far (and so, at the end, its length). */
    private void give(short[] samples, SampleConsumer out) {
        if (heldLength + samples.length > held.length) {
            held = Arrays.copyOf(held, heldLength + samples.length);
        }
        System.arraycopy(samples, 0, held, heldLength, samples.length);
        heldLength += samples.length;
        int count = (int) Math.min(heldLength, inputTotal - emitted);
        if (count <= 0) {
            return;
        }
        out.accept(held, 0, count);
        emitted += count;
        System.arraycopy(held, count, held, 0, heldLength - count);
        heldLength -= count;
    }

    @Override
    public String toString() {
        return "PitchShift[" + sampleRate + " Hz, " + semitones + " semitones]";
    }
}
