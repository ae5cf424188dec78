package dev.chorus.server;

import dev.chorus.testing.Fft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Measurements that compare decoded audio with a reference: alignment, similarity, pitch and level. */
final class SignalMeasures {

    private SignalMeasures() {
    }

    /**
     * Where {@code decoded} best matches the reference: {@code decoded[i + lag]} lines up with
     * {@code reference[i]}, with {@code correlation} the normalised cross-correlation over their overlap there (1
     * for the same waveform at any scale, near 0 for unrelated sounds).
     */
    record Match(int lag, double correlation) {
    }

    /**
     * Finds the lag from {@code minLag} to {@code maxLag} at which {@code decoded} best matches {@code reference},
     * counting only lags where the two overlap by at least half the reference. One FFT cross-correlation covers
     * every lag, so long signals and wide lag ranges stay cheap.
     */
    static Match bestMatch(short[] reference, short[] decoded, int minLag, int maxLag) {
        int width = maxLag - minLag;
        // shifted[j] = decoded[j + minLag]; a transform of at least reference + width samples keeps the circular
        // correlation from wrapping onto the lags searched.
        int shifted = Math.max(1, decoded.length - minLag);
        int n = Integer.highestOneBit(Math.max(2, Math.max(reference.length + width + 1, shifted)) - 1) << 1;
        double[] aRe = new double[n];
        double[] aIm = new double[n];
        double[] bRe = new double[n];
        double[] bIm = new double[n];
        for (int i = 0; i < reference.length; i++) {
            aRe[i] = reference[i];
        }
        for (int j = Math.max(0, -minLag); j < shifted && j + minLag < decoded.length; j++) {
            bRe[j] = decoded[j + minLag];
        }
        Fft.forward(aRe, aIm);
        Fft.forward(bRe, bIm);
        // conj(A) * B: its inverse at index lag - minLag is the sum over i of reference[i] * decoded[i + lag].
        for (int k = 0; k < n; k++) {
            double re = aRe[k] * bRe[k] + aIm[k] * bIm[k];
            double im = aRe[k] * bIm[k] - aIm[k] * bRe[k];
            aRe[k] = re;
            aIm[k] = im;
        }
        Fft.inverseUnscaled(aRe, aIm);
        double[] refEnergy = prefixEnergy(reference);
        double[] decEnergy = prefixEnergy(decoded);
        Match best = new Match(0, Double.NEGATIVE_INFINITY);
        for (int lag = minLag; lag <= maxLag; lag++) {
            int from = Math.max(0, -lag);
            int to = Math.min(reference.length, decoded.length - lag);
            if (to - from < reference.length / 2) {
                continue;
            }
            double product = aRe[lag - minLag] / n;
            double energies = (refEnergy[to] - refEnergy[from]) * (decEnergy[to + lag] - decEnergy[from + lag]);
            double c = product / Math.sqrt(energies + 1e-9);
            if (c > best.correlation()) {
                best = new Match(lag, c);
            }
        }
        return best;
    }

    private static double[] prefixEnergy(short[] x) {
        double[] p = new double[x.length + 1];
        for (int i = 0; i < x.length; i++) {
            p[i + 1] = p[i] + (double) x[i] * x[i];
        }
        return p;
    }

    /** Returns the root-mean-square level of {@code x}. */
    static double rms(short[] x) {
        return Http.rms(x);
    }

    /**
     * Estimates the speaking pitch: the median fundamental frequency, in Hz, of the voiced 40 ms frames (hop
     * 20 ms) of {@code x}. A frame counts when its level is within 25 dB of the loudest frame and its normalised
     * autocorrelation peaks at 0.5 or more for a period between 1/400 and 1/60 s; its F0 is the rate over the
     * shortest lag that comes within 90% of the best peak (so a period's multiples never win). Returns NaN when
     * no frame is voiced.
     */
    static double medianF0(short[] x, int rate) {
        // Voice pitch lies far below 6 kHz: averaging groups of samples down to 12 kHz or so keeps it and makes
        // the search cheaper at high rates.
        int factor = Math.max(1, rate / 12_000);
        short[] y = new short[x.length / factor];
        for (int i = 0; i < y.length; i++) {
            int sum = 0;
            for (int k = 0; k < factor; k++) {
                sum += x[i * factor + k];
            }
            y[i] = (short) (sum / factor);
        }
        List<Double> f0 = voicedF0(y, rate / (double) factor);
        if (f0.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = f0.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static List<Double> voicedF0(short[] x, double rate) {
        int frame = (int) (rate * 40 / 1000);
        int hop = frame / 2;
        int minLag = (int) (rate / 400);
        int maxLag = (int) Math.ceil(rate / 60);
        int window = frame - maxLag;
        List<double[]> frames = new ArrayList<>();
        double loudest = 0;
        List<Double> levels = new ArrayList<>();
        for (int start = 0; start + frame <= x.length; start += hop) {
            double[] f = new double[frame];
            double mean = 0;
            for (int i = 0; i < frame; i++) {
                f[i] = x[start + i];
                mean += f[i];
            }
            mean /= frame;
            double energy = 0;
            for (int i = 0; i < frame; i++) {
                f[i] -= mean;
                energy += f[i] * f[i];
            }
            double level = Math.sqrt(energy / frame);
            loudest = Math.max(loudest, level);
            frames.add(f);
            levels.add(level);
        }
        double gate = loudest * Math.pow(10, -25 / 20.0);
        List<Double> out = new ArrayList<>();
        double[] r = new double[maxLag + 1];
        for (int k = 0; k < frames.size(); k++) {
            if (levels.get(k) < gate) {
                continue;
            }
            double[] f = frames.get(k);
            double aa = 0;
            for (int i = 0; i < window; i++) {
                aa += f[i] * f[i];
            }
            double best = -1;
            Arrays.fill(r, 0);
            for (int lag = minLag; lag <= maxLag; lag++) {
                double ab = 0;
                double bb = 0;
                for (int i = 0; i < window; i++) {
                    ab += f[i] * f[i + lag];
                    bb += f[i + lag] * f[i + lag];
                }
                r[lag] = ab / Math.sqrt(aa * bb + 1e-9);
                best = Math.max(best, r[lag]);
            }
            if (best < 0.5) {
                continue;
            }
            for (int lag = minLag + 1; lag < maxLag; lag++) {
                if (r[lag] >= 0.9 * best && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1]) {
                    out.add(rate / lag);
                    break;
                }
            }
        }
        return out;
    }
}
