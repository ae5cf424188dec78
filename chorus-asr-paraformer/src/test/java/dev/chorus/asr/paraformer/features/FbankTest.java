package dev.chorus.asr.paraformer.features;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FbankTest {

    @Test
    void countsFramesAsKaldiWithSnippedEdges() {
        assertThat(Fbank.frames(399)).isZero();
        assertThat(Fbank.frames(400)).isEqualTo(1);
        assertThat(Fbank.frames(559)).isEqualTo(1);
        assertThat(Fbank.frames(560)).isEqualTo(2);
        assertThat(Fbank.frames(16_000)).isEqualTo(98);
        assertThat(Fbank.compute(new float[16_000])).hasSize(98 * 80);
    }

    @Test
    void aToneHasItsEnergyInTheMelBinCenteredNearItsFrequency() {
        for (double hz : new double[] {300, 1000, 3000}) {
            float[] tone = new float[8000];
            for (int i = 0; i < tone.length; i++) {
                tone[i] = (float) (10_000 * Math.sin(2 * Math.PI * hz * i / 16_000));
            }
            float[] f = Fbank.compute(tone);
            int frame = 10;
            int peak = 0;
            for (int b = 1; b < 80; b++) {
                if (f[frame * 80 + b] > f[frame * 80 + peak]) {
                    peak = b;
                }
            }
            int nearest = 0;
            for (int b = 1; b < 80; b++) {
                if (Math.abs(Fbank.centerFrequency(b) - hz) < Math.abs(Fbank.centerFrequency(nearest) - hz)) {
                    nearest = b;
                }
            }
            assertThat(peak).as("peak bin of a %s Hz tone", hz).isEqualTo(nearest);
            // Far from the tone the bins hold only window leakage: many nepers below the peak.
            assertThat(f[frame * 80 + peak] - f[frame * 80 + (peak + 40) % 80]).isGreaterThan(5);
        }
    }

    @Test
    void silenceAndDcAreAtTheEnergyFloor() {
        float[] dc = new float[1600];
        java.util.Arrays.fill(dc, 1234);
        for (float v : Fbank.compute(dc)) {
            assertThat(v).isCloseTo((float) Math.log(Math.ulp(1.0f)), within(1e-4f));
        }
    }

    @Test
    void agreesWithAnIndependentDirectComputation() {
        Random random = new Random(7);
        float[] signal = new float[1200];
        for (int i = 0; i < signal.length; i++) {
            signal[i] = (float) (3000 * Math.sin(i * 0.05) + 2000 * random.nextGaussian());
        }
        float[] fast = Fbank.compute(signal);
        double[][] reference = reference(signal);
        assertThat(fast).hasSize(reference.length * 80);
        for (int t = 0; t < reference.length; t++) {
            for (int b = 0; b < 80; b++) {
                assertThat((double) fast[t * 80 + b]).as("frame %d bin %d", t, b)
                        .isCloseTo(reference[t][b], within(2e-3));
            }
        }
    }

    /**
     * Kaldi's fbank written out directly, frame by frame: a plain DFT instead of an FFT, and each mel filter as a
     * triangle over frequencies rather than precomputed weights.
     */
    private static double[][] reference(float[] x) {
        int frames = 1 + (x.length - 400) / 160;
        double[][] out = new double[frames][80];
        double melLow = 1127 * Math.log(1 + 20 / 700.0);
        double melHigh = 1127 * Math.log(1 + 8000 / 700.0);
        double step = (melHigh - melLow) / 81;
        for (int t = 0; t < frames; t++) {
            double[] w = new double[400];
            double sum = 0;
            for (int i = 0; i < 400; i++) {
                w[i] = x[t * 160 + i];
                sum += w[i];
            }
            for (int i = 0; i < 400; i++) {
                w[i] -= sum / 400;
            }
            for (int i = 399; i > 0; i--) {
                w[i] -= 0.97 * w[i - 1];
            }
            w[0] -= 0.97 * w[0];
            for (int i = 0; i < 400; i++) {
                w[i] *= Math.pow(0.5 - 0.5 * Math.cos(2 * Math.PI * i / 399), 0.85);
            }
            double[] power = new double[256];
            for (int k = 0; k < 256; k++) {
                double re = 0;
                double im = 0;
                for (int n = 0; n < 400; n++) {
                    re += w[n] * Math.cos(2 * Math.PI * k * n / 512);
                    im -= w[n] * Math.sin(2 * Math.PI * k * n / 512);
                }
                power[k] = re * re + im * im;
            }
            for (int b = 0; b < 80; b++) {
                double left = melLow + b * step;
                double center = left + step;
                double right = center + step;
                double energy = 0;
                for (int k = 0; k < 256; k++) {
                    double mel = 1127 * Math.log(1 + k * 31.25 / 700);
                    double weight = mel <= left || mel >= right ? 0
                            : mel <= center ? (mel - left) / step : (right - mel) / step;
                    energy += weight * power[k];
                }
                out[t][b] = Math.log(Math.max(energy, 1.1920929e-7));
            }
        }
        return out;
    }
}
