package dev.chorus.audio;

import dev.chorus.testing.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What a listener would notice of {@link Resampler}: pitch, timing, level and aliasing. */
class ResamplerSignalTest {

    @ParameterizedTest
    @CsvSource({"22050, 48000", "48000, 16000", "24000, 8000", "44100, 22050", "44100, 47999", "8000, 44100"})
    void aToneKeepsItsFrequency(int inputRate, int outputRate) {
        short[] out = convert(Signals.sine(1000, inputRate, inputRate, 16000), inputRate, outputRate);
        double[] y = Signals.toDoubles(out);

        assertThat(out).hasSize(outputRate);
        assertThat(Signals.zeroCrossingFrequency(y, outputRate, 100, y.length - 100)).isCloseTo(1000, within(0.05));
        assertThat(Signals.amplitudeAt(y, outputRate, 1000, 100, y.length - 100)).isCloseTo(16000, within(10.0));
    }

    @ParameterizedTest
    @CsvSource({"22050, 48000", "48000, 16000", "24000, 8000", "44100, 22050", "16000, 22050", "44100, 47999"})
    void aSineIsNotShiftedInTime(int inputRate, int outputRate) {
        double frequency = 700;
        short[] out = convert(Signals.sine(frequency, inputRate, inputRate / 2, 16000), inputRate, outputRate);

        // Output sample n is the input signal at time n / outputRate; a one-sample shift would be off by ~1500.
        double worst = 0;
        for (int n = 200; n < out.length - 200; n++) {
            double expected = 16000 * Math.sin(2 * Math.PI * frequency * n / outputRate);
            worst = Math.max(worst, Math.abs(out[n] - expected));
        }
        assertThat(worst).isLessThan(3.0);
    }

    @ParameterizedTest
    @CsvSource({"22050, 48000", "48000, 16000", "24000, 8000", "44100, 22050", "8000, 44100"})
    void anImpulsePeaksAtItsOwnTime(int inputRate, int outputRate) {
        short[] in = new short[2000];
        in[1000] = 30000;
        short[] out = convert(in, inputRate, outputRate);

        int peak = 0;
        for (int n = 1; n < out.length; n++) {
            if (out[n] > out[peak]) {
                peak = n;
            }
        }
        double expected = 1000.0 * outputRate / inputRate;
        assertThat((double) peak).isCloseTo(expected, within(0.5));
    }

    @ParameterizedTest
    @CsvSource({"48000, 16000, 8100", "48000, 16000, 12000", "48000, 16000, 23000", "44100, 22050, 11100",
            "44100, 22050, 20000", "24000, 8000, 4050", "24000, 8000, 11000", "22050, 8000, 6000",
            "48000, 44100, 22100", "44100, 16000, 16000"})
    void aToneAboveTheNewNyquistIsAttenuatedAtLeast70Db(int inputRate, int outputRate, int frequency) {
        double amplitude = 32000;
        short[] out = convert(Signals.sine(frequency, inputRate, inputRate, amplitude), inputRate, outputRate);
        double[] y = Signals.toDoubles(out);

        // Everything left is alias (or rounding noise): compare its RMS with the input's.
        double attenuation = Signals.db(amplitude / Math.sqrt(2) / Signals.rms(y, 500, y.length - 500));
        assertThat(attenuation).as("%d Hz at %d -> %d Hz", frequency, inputRate, outputRate).isGreaterThan(70);
    }

    @ParameterizedTest
    @CsvSource({"22050, 48000", "48000, 16000", "24000, 8000", "44100, 22050", "48000, 44100", "44100, 47999"})
    void passbandRippleIsWithinATenthOfADecibel(int inputRate, int outputRate) {
        double passbandEdge = 0.9 * Math.min(inputRate, outputRate) / 2;
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (double f = 50; f <= passbandEdge; f += passbandEdge / 37) {
            short[] out = convert(Signals.sine(f, inputRate, inputRate / 4, 16000), inputRate, outputRate);
            double gain = Signals.amplitudeAt(Signals.toDoubles(out), outputRate, f, 400, out.length - 400) / 16000;
            min = Math.min(min, Signals.db(gain));
            max = Math.max(max, Signals.db(gain));
        }
        assertThat(max - min).isLessThan(0.1);
        assertThat(max).isCloseTo(0, within(0.05));
    }

    @Test
    void upsamplingLeavesNoImageOfATone() {
        // 10 kHz at 22050 Hz, converted to 48000 Hz, must not leave its mirror image at 22050 - 10000 = 12050 Hz.
        short[] out = convert(Signals.sine(10000, 22050, 22050, 32000), 22050, 48000);
        double image = Signals.windowedAmplitudeAt(Signals.toDoubles(out), 48000, 12050, 500, out.length - 500);

        assertThat(Signals.db(32000 / Math.max(image, 1e-9))).isGreaterThan(80);
    }

    static short[] convert(short[] in, int inputRate, int outputRate) {
        Resampler r = Resampler.create(inputRate, outputRate);
        return Signals.concat(r.process(in, 0, in.length), r.flush());
    }
}
