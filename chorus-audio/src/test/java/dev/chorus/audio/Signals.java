package dev.chorus.audio;

/** Test signals and measurements on them. */
public final class Signals {

    private Signals() {
    }

    /** Returns {@code n} samples of a sine of {@code amplitude} at {@code frequency} Hz, rounded to 16 bits. */
    public static short[] sine(double frequency, int sampleRate, int n, double amplitude) {
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            out[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * frequency * i / sampleRate));
        }
        return out;
    }

    /** Returns {@code n} samples of a sine like {@link #sine}, unrounded. */
    public static float[] sineFloats(double frequency, int sampleRate, int n, double amplitude) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (amplitude * Math.sin(2 * Math.PI * frequency * i / sampleRate));
        }
        return out;
    }

    /** Returns {@code a} followed by {@code b}. */
    public static short[] concat(short[] a, short[] b) {
        short[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Returns {@code a} followed by {@code b}. */
    public static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Converts to double. */
    public static double[] toDoubles(short[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    /** Converts to double. */
    public static double[] toDoubles(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    /**
     * Estimates the frequency of a tone in {@code x[from, to)} from the time between its first and last upward
     * zero crossings, located to a fraction of a sample by linear interpolation.
     */
    public static double zeroCrossingFrequency(double[] x, int sampleRate, int from, int to) {
        double first = Double.NaN;
        double last = Double.NaN;
        int cycles = -1;
        for (int i = from + 1; i < to; i++) {
            if (x[i - 1] < 0 && x[i] >= 0) {
                double crossing = i - 1 + x[i - 1] / (x[i - 1] - x[i]);
                if (cycles < 0) {
                    first = crossing;
                }
                last = crossing;
                cycles++;
            }
        }
        return cycles * (double) sampleRate / (last - first);
    }

    /**
     * Returns the amplitude of the component of {@code x[from, to)} at {@code frequency} Hz, by a least-squares
     * fit of a sine and cosine at that frequency (exact for a pure tone, whatever the number of cycles).
     */
    public static double amplitudeAt(double[] x, int sampleRate, double frequency, int from, int to) {
        double[] ab = fitTone(x, sampleRate, frequency, from, to);
        return Math.hypot(ab[0], ab[1]);
    }

    /**
     * Returns {@code {a, b}} such that {@code a·cos(wi) + b·sin(wi)}, with {@code w = 2π·frequency/sampleRate},
     * is the least-squares fit of {@code x[from, to)} at that frequency.
     */
    public static double[] fitTone(double[] x, int sampleRate, double frequency, int from, int to) {
        double w = 2 * Math.PI * frequency / sampleRate;
        double cc = 0;
        double ss = 0;
        double cs = 0;
        double yc = 0;
        double ys = 0;
        for (int i = from; i < to; i++) {
            double c = Math.cos(w * i);
            double s = Math.sin(w * i);
            cc += c * c;
            ss += s * s;
            cs += c * s;
            yc += x[i] * c;
            ys += x[i] * s;
        }
        double det = cc * ss - cs * cs;
        return new double[] {(yc * ss - ys * cs) / det, (ys * cc - yc * cs) / det};
    }

    /**
     * Returns the amplitude of the component of {@code x[from, to)} at {@code frequency} Hz under a 4-term
     * Blackman-Harris window, whose sidelobes (-92 dB and falling) keep a strong tone elsewhere from leaking in.
     */
    public static double windowedAmplitudeAt(double[] x, int sampleRate, double frequency, int from, int to) {
        double w = 2 * Math.PI * frequency / sampleRate;
        int n = to - from;
        double re = 0;
        double im = 0;
        double windowSum = 0;
        for (int i = 0; i < n; i++) {
            double p = 2 * Math.PI * i / (n - 1);
            double window = 0.35875 - 0.48829 * Math.cos(p) + 0.14128 * Math.cos(2 * p) - 0.01168 * Math.cos(3 * p);
            re += window * x[from + i] * Math.cos(w * i);
            im -= window * x[from + i] * Math.sin(w * i);
            windowSum += window;
        }
        return 2 * Math.hypot(re, im) / windowSum;
    }

    /** Returns the RMS of {@code x[from, to)}. */
    public static double rms(double[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += x[i] * x[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    /** Returns {@code 20 log10(ratio)}. */
    public static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }
}
