package dev.chorus.audio.internal;

/**
 * Kaiser-windowed sinc low-pass kernels, designed with Kaiser's empirical formulas
 * (Oppenheim and Schafer, Discrete-Time Signal Processing, section 7.6).
 */
final class KaiserSinc {

    private KaiserSinc() {
    }

    /** Returns the Kaiser window shape parameter that reaches {@code attenuationDb} in the stopband. */
    static double beta(double attenuationDb) {
        if (attenuationDb > 50) {
            return 0.1102 * (attenuationDb - 8.7);
        }
        if (attenuationDb >= 21) {
            return 0.5842 * Math.pow(attenuationDb - 21, 0.4) + 0.07886 * (attenuationDb - 21);
        }
        return 0;
    }

    /**
     * Returns the filter order (length minus one, in samples) that reaches {@code attenuationDb} over a transition
     * band {@code transitionWidth} wide, in cycles per sample.
     */
    static double order(double attenuationDb, double transitionWidth) {
        return (attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transitionWidth);
    }

    /** Returns the zeroth-order modified Bessel function of the first kind, by its power series. */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double quarterSquare = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= quarterSquare / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    /**
     * Returns the kernel at {@code tau} samples from its centre: a sinc with unit DC gain whose cutoff is
     * {@code cutoff} times the Nyquist frequency, under a Kaiser window spanning {@code -halfWidth} to
     * {@code halfWidth} (zero outside).
     */
    static double kernel(double tau, double cutoff, double halfWidth, double beta, double i0Beta) {
        double r = tau / halfWidth;
        if (r <= -1 || r >= 1) {
            return 0;
        }
        double window = besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
        double x = Math.PI * cutoff * tau;
        double sinc = Math.abs(x) < 1e-12 ? 1 : Math.sin(x) / x;
        return cutoff * sinc * window;
    }
}
