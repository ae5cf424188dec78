package dev.chorus.testing;

/**
 * Test signals (tones, a speech-like buzz) and measurements on them: tone amplitude and frequency, pitch,
 * alignment and similarity, and a spectrum peak search.
 */
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

    /**
     * Returns {@code seconds} of a speech-like signal at {@code sampleRate}: a buzz of 12 harmonics falling off
     * at 6 dB per octave, whose fundamental glides from 110 up to 220 and down to 140 Hz, under a syllable-rate
     * (4 Hz) amplitude envelope with short pauses, plus white noise 40 dB below the peak. The harmonics stay
     * below 2.7 kHz, so the signal fits every rate from 8000 Hz. Peak about 14000.
     */
    public static short[] speechLike(int sampleRate, double seconds, long seed) {
        int n = (int) Math.round(sampleRate * seconds);
        short[] out = new short[n];
        java.util.Random random = new java.util.Random(seed);
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double t = i / (double) sampleRate;
            double progress = t / seconds;
            double f0 = progress < 0.5 ? 110 + 220 * progress : 220 - 160 * (progress - 0.5);
            phase += 2 * Math.PI * f0 / sampleRate;
            double v = 0;
            for (int h = 1; h <= 12; h++) {
                v += Math.sin(h * phase + 0.3 * h * h) / h;
            }
            double syllable = Math.sin(Math.PI * ((4 * t) % 1.0));
            double envelope = 0.15 + 0.85 * syllable * syllable;
            double onset = Math.min(1, t / 0.02) * Math.min(1, (seconds - t) / 0.02);
            out[i] = (short) Math.round(onset * (6000 * envelope * v + 140 * random.nextGaussian()));
        }
        return out;
    }

    /**
     * Returns the lag, from 0 to {@code maxLag}, at which {@code decoded} best matches {@code reference}: the
     * highest normalised cross-correlation of {@code reference[from, from + length)} with
     * {@code decoded[from + lag, ...)}.
     */
    public static int bestLag(short[] reference, short[] decoded, int from, int length, int maxLag) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int lag = 0; lag <= maxLag && from + lag + length <= decoded.length; lag++) {
            double score = correlation(reference, 0, decoded, lag, from, length);
            if (score > bestScore) {
                bestScore = score;
                best = lag;
            }
        }
        return best;
    }

    /**
     * Returns the normalised cross-correlation of {@code a[from + aShift, ...)} and {@code b[from + bShift, ...)}
     * over {@code length} samples: 1 for identical shapes whatever their scale.
     */
    public static double correlation(short[] a, int aShift, short[] b, int bShift, int from, int length) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = from; i < from + length; i++) {
            double x = a[i + aShift];
            double y = b[i + bShift];
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return ab / Math.sqrt(aa * bb + 1e-9);
    }

    /**
     * Estimates the fundamental frequency of {@code x[from, to)} from its normalised autocorrelation between 50
     * and 1000 Hz: the shortest lag within 5% of the best peak (so a subharmonic never wins), refined to a
     * fraction of a sample by a parabola through its neighbours.
     */
    public static double autocorrelationF0(short[] x, int sampleRate, int from, int to) {
        int minLag = sampleRate / 1000;
        int maxLag = sampleRate / 50;
        double[] r = new double[maxLag + 2];
        double best = 0;
        for (int lag = minLag - 1; lag <= maxLag + 1; lag++) {
            r[lag] = correlation(x, 0, x, lag, from, to - from - maxLag - 1);
            if (lag >= minLag && lag <= maxLag) {
                best = Math.max(best, r[lag]);
            }
        }
        for (int lag = minLag; lag <= maxLag; lag++) {
            if (r[lag] >= 0.95 * best && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1]) {
                double offset = 0.5 * (r[lag - 1] - r[lag + 1]) / (r[lag - 1] - 2 * r[lag] + r[lag + 1]);
                return sampleRate / (lag + offset);
            }
        }
        return Double.NaN;
    }

    /** Returns the peak absolute value of {@code x}. */
    public static int peak(short[] x) {
        int peak = 0;
        for (short s : x) {
            peak = Math.max(peak, Math.abs(s));
        }
        return peak;
    }

    /** Returns {@code n} samples of a steady buzz at {@code f0} Hz: 8 harmonics at 1/h, peak about 12000. */
    public static short[] harmonicTone(double f0, int sampleRate, int n) {
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            double v = 0;
            for (int h = 1; h <= 8; h++) {
                v += Math.sin(2 * Math.PI * f0 * h * i / sampleRate) / h;
            }
            out[i] = (short) Math.round(6000 * v);
        }
        return out;
    }

    /**
     * Returns the frequency with the most energy between 50 Hz and 4 kHz, found by a DFT scan in 10 Hz steps then
     * in 0.5 Hz steps around the best; good to half a hertz for a steady tone.
     */
    public static double dominantFrequency(short[] samples, int sampleRate) {
        double coarse = spectrumPeak(samples, sampleRate, 50, 4000, 10);
        return spectrumPeak(samples, sampleRate, coarse - 10, coarse + 10, 0.5);
    }

    /** Returns the frequency from {@code fromHz} to {@code toHz}, in {@code stepHz} steps, with the most energy. */
    public static double spectrumPeak(short[] samples, int sampleRate, double fromHz, double toHz, double stepHz) {
        double best = fromHz;
        double bestPower = -1;
        for (double f = fromHz; f <= toHz; f += stepHz) {
            double re = 0;
            double im = 0;
            double w = 2 * Math.PI * f / sampleRate;
            for (int i = 0; i < samples.length; i++) {
                re += samples[i] * Math.cos(w * i);
                im += samples[i] * Math.sin(w * i);
            }
            double p = re * re + im * im;
            if (p > bestPower) {
                bestPower = p;
                best = f;
            }
        }
        return best;
    }
}
