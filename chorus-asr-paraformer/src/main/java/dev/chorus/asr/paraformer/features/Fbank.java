package dev.chorus.asr.paraformer.features;

/**
 * Log mel filter bank features computed as Kaldi's {@code compute-fbank-feats} (and {@code torchaudio}'s
 * {@code kaldi.fbank}) compute them with the options Paraformer models are trained with: 16 kHz, 25 ms frames every
 * 10 ms with edges snipped (a frame only where 400 samples fit), no dither, the DC offset removed, pre-emphasis
 * 0.97, the Povey window, a 512-point power spectrum, 80 triangular bins on the mel scale from 20 Hz to the Nyquist
 * frequency, and the natural log of each bin's energy (at least the float epsilon). Samples are in the 16-bit range
 * (not scaled to [-1, 1]), as FunASR and sherpa-onnx feed them. Immutable and thread-safe; each call allocates its
 * own scratch.
 */
public final class Fbank {

    /** The sample rate features are computed at. */
    public static final int SAMPLE_RATE = 16_000;
    /** Samples per frame: 25 ms. */
    public static final int FRAME_LENGTH = 400;
    /** Samples between frame starts: 10 ms. */
    public static final int FRAME_SHIFT = 160;
    /** Mel bins per frame. */
    public static final int BINS = 80;

    static final int FFT_SIZE = 512;
    static final double PREEMPHASIS = 0.97;
    static final double LOW_FREQUENCY = 20;
    static final double HIGH_FREQUENCY = SAMPLE_RATE / 2.0;
    /** Kaldi's floor on a bin's energy before the log: {@code FLT_EPSILON}. */
    static final double ENERGY_FLOOR = Math.ulp(1.0f);

    private static final double[] WINDOW = poveyWindow();
    private static final MelBank[] BANKS = melBanks();
    private static final double[] COS = new double[FFT_SIZE / 2];
    private static final double[] SIN = new double[FFT_SIZE / 2];
    private static final int[] BIT_REVERSE = new int[FFT_SIZE];

    static {
        for (int i = 0; i < FFT_SIZE / 2; i++) {
            COS[i] = Math.cos(-2 * Math.PI * i / FFT_SIZE);
            SIN[i] = Math.sin(-2 * Math.PI * i / FFT_SIZE);
        }
        int bits = Integer.numberOfTrailingZeros(FFT_SIZE);
        for (int i = 0; i < FFT_SIZE; i++) {
            BIT_REVERSE[i] = Integer.reverse(i) >>> (32 - bits);
        }
    }

    private Fbank() {
    }

    /** Returns how many frames {@code samples} samples give (0 below one frame's length). */
    public static int frames(int samples) {
        return samples < FRAME_LENGTH ? 0 : 1 + (samples - FRAME_LENGTH) / FRAME_SHIFT;
    }

    /**
     * Computes the features of {@code samples} (16 kHz, 16-bit range).
     *
     * @return {@link #frames}{@code (samples.length)} rows of {@link #BINS} log energies, one flat row-major array
     */
    public static float[] compute(float[] samples) {
        int frames = frames(samples.length);
        float[] out = new float[frames * BINS];
        double[] re = new double[FFT_SIZE];
        double[] im = new double[FFT_SIZE];
        double[] power = new double[FFT_SIZE / 2 + 1];
        for (int f = 0; f < frames; f++) {
            frame(samples, f * FRAME_SHIFT, re, im);
            fft(re, im);
            for (int k = 0; k <= FFT_SIZE / 2; k++) {
                power[k] = re[k] * re[k] + im[k] * im[k];
            }
            for (int b = 0; b < BINS; b++) {
                out[f * BINS + b] = (float) Math.log(Math.max(BANKS[b].apply(power), ENERGY_FLOOR));
            }
        }
        return out;
    }

    /** Copies one frame into {@code re} as Kaldi prepares it: DC removed, pre-emphasized, windowed, zero-padded. */
    private static void frame(float[] samples, int start, double[] re, double[] im) {
        double mean = 0;
        for (int i = 0; i < FRAME_LENGTH; i++) {
            mean += samples[start + i];
        }
        mean /= FRAME_LENGTH;
        double previous = samples[start] - mean;
        // x[0] -= 0.97 x[0]; x[i] -= 0.97 x[i - 1] on the DC-free samples.
        re[0] = (previous - PREEMPHASIS * previous) * WINDOW[0];
        for (int i = 1; i < FRAME_LENGTH; i++) {
            double x = samples[start + i] - mean;
            re[i] = (x - PREEMPHASIS * previous) * WINDOW[i];
            previous = x;
        }
        java.util.Arrays.fill(re, FRAME_LENGTH, FFT_SIZE, 0);
        java.util.Arrays.fill(im, 0);
    }

    /** An in-place iterative radix-2 FFT of {@link #FFT_SIZE} points. */
    private static void fft(double[] re, double[] im) {
        for (int i = 0; i < FFT_SIZE; i++) {
            int j = BIT_REVERSE[i];
            if (j > i) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int size = 2; size <= FFT_SIZE; size <<= 1) {
            int half = size >> 1;
            int step = FFT_SIZE / size;
            for (int start = 0; start < FFT_SIZE; start += size) {
                for (int k = 0; k < half; k++) {
                    double c = COS[k * step];
                    double s = SIN[k * step];
                    int a = start + k;
                    int b = a + half;
                    double tr = re[b] * c - im[b] * s;
                    double ti = re[b] * s + im[b] * c;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }

    /** Returns Kaldi's mel scale: {@code 1127 ln(1 + f / 700)}. */
    static double mel(double hz) {
        return 1127.0 * Math.log(1 + hz / 700.0);
    }

    /** Returns the frequency at the center of mel bin {@code bin} (0-based), in Hz. */
    public static double centerFrequency(int bin) {
        double low = mel(LOW_FREQUENCY);
        double delta = (mel(HIGH_FREQUENCY) - low) / (BINS + 1);
        double centerMel = low + (bin + 1) * delta;
        return 700.0 * (Math.exp(centerMel / 1127.0) - 1);
    }

    private static double[] poveyWindow() {
        double[] w = new double[FRAME_LENGTH];
        for (int i = 0; i < FRAME_LENGTH; i++) {
            w[i] = Math.pow(0.5 - 0.5 * Math.cos(2 * Math.PI * i / (FRAME_LENGTH - 1)), 0.85);
        }
        return w;
    }

    /** Kaldi's triangular bins: weights on the FFT bins below the Nyquist bin whose mel lies inside the triangle. */
    private static MelBank[] melBanks() {
        double low = mel(LOW_FREQUENCY);
        double delta = (mel(HIGH_FREQUENCY) - low) / (BINS + 1);
        double binWidth = (double) SAMPLE_RATE / FFT_SIZE;
        MelBank[] banks = new MelBank[BINS];
        for (int b = 0; b < BINS; b++) {
            double left = low + b * delta;
            double center = left + delta;
            double right = center + delta;
            int first = -1;
            double[] weights = new double[FFT_SIZE / 2];
            int last = -1;
            for (int i = 0; i < FFT_SIZE / 2; i++) {
                double m = mel(binWidth * i);
                if (m > left && m < right) {
                    weights[i] = m <= center ? (m - left) / (center - left) : (right - m) / (right - center);
                    first = first < 0 ? i : first;
                    last = i;
                }
            }
            banks[b] = first < 0 ? new MelBank(0, new double[0])
                    : new MelBank(first, java.util.Arrays.copyOfRange(weights, first, last + 1));
        }
        return banks;
    }

    /** One bin's non-zero weights, from FFT bin {@code first}. */
    private record MelBank(int first, double[] weights) {
        double apply(double[] power) {
            double sum = 0;
            for (int i = 0; i < weights.length; i++) {
                sum += weights[i] * power[first + i];
            }
            return sum;
        }
    }
}
