package dev.chorus.audio.internal;

/**
 * The polyphase coefficient table for one rate ratio; immutable and shared between streams.
 *
 * <p>The converter computes output sample {@code n} at input time {@code t = n * down / up} (in input samples),
 * as {@code sum over k of x[floor(t) - half + 1 + k] * g(frac(t) + half - 1 - k)}, where {@code g} is a
 * Kaiser-windowed sinc centred on zero. Because the kernel is centred on {@code t}, the output is not delayed:
 * the filter's group delay is absorbed by waiting for {@code half} samples of look-ahead instead.
 *
 * <p>Row {@code r} holds the {@code taps} coefficients for {@code frac(t) = r / phases}. When {@code up} is small
 * every fraction has its own row ({@code phases == up}); otherwise the table is sampled more coarsely
 * ({@code phases < up}, plus one extra row for {@code frac(t) = 1}) and the converter interpolates linearly
 * between adjacent rows.
 */
public final class FilterBank {

    /** Design stopband attenuation, in dB: 10 dB above the promised 80 dB, for margin over Kaiser's formula. */
    static final double ATTENUATION_DB = 90;
    /** Passband edge as a fraction of the lower Nyquist frequency. */
    static final double PASSBAND_EDGE = 0.90;
    /** Stopband edge as a fraction of the lower Nyquist frequency: nothing above the new Nyquist may alias. */
    static final double STOPBAND_EDGE = 1.0;
    /**
     * Table rows per unit of cutoff when rows are interpolated: the linear-interpolation error is about
     * {@code (pi * cutoff / rows)^2 / 8}, near -118 dB at this density.
     */
    private static final int ROWS_PER_CUTOFF = 1024;
    private static final int MIN_INTERPOLATED_ROWS = 64;

    private final int up;
    private final int down;
    private final int taps;
    private final int phases;
    private final boolean interpolated;
    private final float[] coefficients;

    private FilterBank(int up, int down, int taps, int phases, boolean interpolated, float[] coefficients) {
        this.up = up;
        this.down = down;
        this.taps = taps;
        this.phases = phases;
        this.interpolated = interpolated;
        this.coefficients = coefficients;
    }

    /** Designs the table for converting {@code inputRate} to {@code outputRate}; both validated by the caller. */
    public static FilterBank design(int inputRate, int outputRate) {
        int gcd = gcd(inputRate, outputRate);
        int up = outputRate / gcd;
        int down = inputRate / gcd;
        double lower = Math.min(inputRate, outputRate);
        // Frequencies relative to the input rate: cutoff as a fraction of the input Nyquist, widths in cycles/sample.
        double cutoff = (PASSBAND_EDGE + STOPBAND_EDGE) / 2 * lower / inputRate;
        double transition = (STOPBAND_EDGE - PASSBAND_EDGE) / 2 * lower / inputRate;
        double order = KaiserSinc.order(ATTENUATION_DB, transition);
        int taps = roundUpTo4((int) Math.ceil(order) + 1);
        int maxExactRows = Math.max(MIN_INTERPOLATED_ROWS, (int) Math.ceil(ROWS_PER_CUTOFF * cutoff));
        boolean interpolated = up > maxExactRows;
        int phases = interpolated ? maxExactRows : up;
        int rows = interpolated ? phases + 1 : phases;

        double beta = KaiserSinc.beta(ATTENUATION_DB);
        double i0Beta = KaiserSinc.besselI0(beta);
        double half = taps / 2.0;
        float[] coefficients = new float[rows * taps];
        double[] row = new double[taps];
        for (int r = 0; r < rows; r++) {
            double frac = (double) r / phases;
            double sum = 0;
            for (int k = 0; k < taps; k++) {
                row[k] = KaiserSinc.kernel(frac + half - 1 - k, cutoff, half, beta, i0Beta);
                sum += row[k];
            }
            // Unit DC gain in every row, so a constant input stays exactly constant whatever the phase.
            for (int k = 0; k < taps; k++) {
                coefficients[r * taps + k] = (float) (row[k] / sum);
            }
        }
        return new FilterBank(up, down, taps, phases, interpolated, coefficients);
    }

    /** Returns the upsampling factor L of the reduced ratio L/M. */
    public int up() {
        return up;
    }

    /** Returns the downsampling factor M of the reduced ratio L/M. */
    public int down() {
        return down;
    }

    /** Returns the number of input samples each output sample is computed from (a multiple of 4). */
    public int taps() {
        return taps;
    }

    /** Returns how many fractional positions the table resolves per input sample. */
    public int phases() {
        return phases;
    }

    /** Returns whether the converter interpolates between rows (true when {@code phases < up}). */
    public boolean interpolated() {
        return interpolated;
    }

    /** Returns the coefficient of tap {@code k} in row {@code row}. */
    public float coefficient(int row, int k) {
        return coefficients[row * taps + k];
    }

    /** Returns the shared table, row-major; callers must not modify it. */
    float[] table() {
        return coefficients;
    }

    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private static int roundUpTo4(int n) {
        return (n + 3) & ~3;
    }
}
