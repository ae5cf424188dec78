package dev.chorus.audio.internal;

import dev.chorus.testing.Fft;

/**
 * The frequency response of a {@link FilterBank}'s prototype filter: all rows interleaved into one impulse response
 * at {@code phases} times the input rate, transformed by a zero-padded FFT.
 */
final class FilterResponse {

    private final double[] magnitude;
    private final double binHz;

    private FilterResponse(double[] magnitude, double binHz) {
        this.magnitude = magnitude;
        this.binHz = binHz;
    }

    /** Computes the response of {@code bank} designed for input at {@code inputRate}. */
    static FilterResponse of(FilterBank bank, int inputRate) {
        int phases = bank.phases();
        int taps = bank.taps();
        int length = phases * taps;
        // At least 16 bins per stopband sidelobe (whose spacing is inputRate / taps).
        int size = Integer.highestOneBit(length * 16 - 1) << 1;
        double[] re = new double[size];
        double[] im = new double[size];
        // Row r, tap k sits at time r / phases + taps / 2 - 1 - k input samples; the order of time is all that
        // matters for the magnitude, so index from the latest tap.
        for (int r = 0; r < phases; r++) {
            for (int k = 0; k < taps; k++) {
                re[k * phases + (phases - 1 - r)] = bank.coefficient(r, k) / (double) phases;
            }
        }
        Fft.forward(re, im);
        double[] magnitude = new double[size / 2 + 1];
        for (int i = 0; i < magnitude.length; i++) {
            magnitude[i] = Math.hypot(re[i], im[i]);
        }
        return new FilterResponse(magnitude, (double) inputRate * phases / size);
    }

    /** Returns the largest gain in dB between {@code fromHz} and {@code toHz}, capped at the response's Nyquist. */
    double maxDb(double fromHz, double toHz) {
        double max = 0;
        for (int i = bin(fromHz); i <= Math.min(bin(toHz), magnitude.length - 1); i++) {
            max = Math.max(max, magnitude[i]);
        }
        return 20 * Math.log10(max);
    }

    /** Returns the smallest gain in dB between {@code fromHz} and {@code toHz}. */
    double minDb(double fromHz, double toHz) {
        double min = Double.MAX_VALUE;
        for (int i = bin(fromHz); i <= Math.min(bin(toHz), magnitude.length - 1); i++) {
            min = Math.min(min, magnitude[i]);
        }
        return 20 * Math.log10(min);
    }

    /** Returns the gain in dB at {@code hz}. */
    double gainDb(double hz) {
        return 20 * Math.log10(magnitude[(int) Math.round(hz / binHz)]);
    }

    /** Returns the highest frequency the response covers: half the prototype's rate. */
    double nyquistHz() {
        return binHz * (magnitude.length - 1);
    }

    private int bin(double hz) {
        return (int) Math.ceil(hz / binHz - 1e-9);
    }
}
