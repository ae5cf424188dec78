package dev.chorus.testing;

/** An in-place iterative radix-2 fast Fourier transform, for spectra and cross-correlations in tests. */
public final class Fft {

    private Fft() {
    }

    /**
     * Transforms {@code re + i·im} in place: {@code X[k] = Σ x[j]·e^(-2πi·jk/n)}. The length must be the same for
     * both arrays and a power of two.
     */
    public static void forward(double[] re, double[] im) {
        transform(re, im, -1);
    }

    /** Inverts {@link #forward} in place, unscaled: the result is {@code n} times the original signal. */
    public static void inverseUnscaled(double[] re, double[] im) {
        transform(re, im, 1);
    }

    /** Returns the smallest power of two that is at least {@code n} (and at least 1). */
    public static int size(int n) {
        if (n < 0 || n > 1 << 30) {
            throw new IllegalArgumentException("n: " + n + " (expected: 0 to 2^30)");
        }
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    private static void transform(double[] re, double[] im, int sign) {
        int n = re.length;
        if (im.length != n || Integer.bitCount(n) > 1) {
            throw new IllegalArgumentException("lengths: " + n + ", " + im.length
                    + " (expected: equal, and a power of two)");
        }
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        double[] cos = new double[n / 2];
        double[] sin = new double[n / 2];
        for (int k = 0; k < n / 2; k++) {
            cos[k] = Math.cos(2 * Math.PI * k / n);
            sin[k] = sign * Math.sin(2 * Math.PI * k / n);
        }
        for (int len = 2; len <= n; len <<= 1) {
            int stride = n / len;
            int half = len / 2;
            for (int start = 0; start < n; start += len) {
                for (int k = 0; k < half; k++) {
                    double wr = cos[k * stride];
                    double wi = sin[k * stride];
                    int a = start + k;
                    int b = a + half;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }
}
