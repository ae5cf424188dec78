package dev.chorus.engine.amvocoder.internal;

import java.nio.FloatBuffer;

/**
 * The inverse short-time Fourier transform a Vocos vocoder needs, as {@code torch.istft} computes it: each frame's
 * spectrum {@code mag·(x + i·y)} (bins {@code 0..n_fft/2}) becomes {@code n_fft} real samples, windowed by a
 * periodic Hann window of {@code win_length} centred in {@code n_fft}, overlap-added every {@code hop} samples and
 * divided by the summed squared window; with {@code center}, {@code n_fft/2} samples are cut from each end, so
 * {@code T} frames give {@code hop·(T-1)} samples. Thread-safe (per-call scratch).
 */
final class Istft {

    final int nFft;
    final int hop;
    final boolean center;
    private final double[] window;
    private final Fft fft;

    Istft(int nFft, int hop, int winLength, boolean center) {
        if (hop < 1 || winLength < 1 || winLength > nFft) {
            throw new IllegalArgumentException("hop " + hop + ", win_length " + winLength + ", n_fft " + nFft
                    + " (expected: hop >= 1 and 1 <= win_length <= n_fft)");
        }
        this.fft = new Fft(nFft);
        this.nFft = nFft;
        this.hop = hop;
        this.center = center;
        this.window = new double[nFft];
        int offset = (nFft - winLength) / 2;
        for (int i = 0; i < winLength; i++) {
            window[offset + i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / winLength);
        }
    }

    /**
     * Returns the samples of {@code frames} frames whose bins are laid out {@code [bin][frame]} (the vocoder's
     * {@code [1, n_fft/2+1, T]} outputs).
     */
    float[] compute(FloatBuffer mag, FloatBuffer x, FloatBuffer y, int frames) {
        return compute(mag, x, y, 0, frames, frames);
    }

    /**
     * Returns the samples of the first {@code frames} frames of one batch item whose values start at {@code base}
     * and whose bins are {@code stride} values apart.
     */
    float[] compute(FloatBuffer mag, FloatBuffer x, FloatBuffer y, int base, int stride, int frames) {
        if (frames < 1) {
            return new float[0];
        }
        int bins = nFft / 2 + 1;
        int total = nFft + hop * (frames - 1);
        double[] out = new double[total];
        double[] norm = new double[total];
        double[] re = new double[nFft];
        double[] im = new double[nFft];
        for (int f = 0; f < frames; f++) {
            for (int k = 0; k < bins; k++) {
                int at = base + k * stride + f;
                double m = mag.get(at);
                re[k] = m * x.get(at);
                im[k] = m * y.get(at);
            }
            im[0] = 0;
            im[bins - 1] = 0;
            for (int k = 1; k < bins - 1; k++) {
                re[nFft - k] = re[k];
                im[nFft - k] = -im[k];
            }
            fft.inverse(re, im);
            int start = f * hop;
            for (int i = 0; i < nFft; i++) {
                out[start + i] += re[i] / nFft * window[i];
                norm[start + i] += window[i] * window[i];
            }
        }
        int from = center ? nFft / 2 : 0;
        int to = center ? total - nFft / 2 : total;
        float[] samples = new float[Math.max(0, to - from)];
        for (int i = from; i < to; i++) {
            samples[i - from] = (float) (norm[i] > 1e-11 ? out[i] / norm[i] : out[i]);
        }
        return samples;
    }
}
