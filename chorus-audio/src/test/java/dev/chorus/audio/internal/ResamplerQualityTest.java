package dev.chorus.audio.internal;

import dev.chorus.testing.Signals;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures passband ripple and stopband attenuation, two ways: from the prototype filter's frequency response,
 * and by sweeping tones through the converter in float (so 16-bit rounding does not mask the result). The
 * figures are printed to this test's output and quoted in {@code Resampler}'s documentation.
 */
class ResamplerQualityTest {

    @ParameterizedTest
    @CsvSource({"22050, 48000", "48000, 16000", "24000, 8000", "44100, 22050", "44100, 48000", "48000, 44100",
            "16000, 22050", "8000, 44100"})
    void filterResponseMeetsTheTargets(int inputRate, int outputRate) {
        FilterBank bank = FilterBank.design(inputRate, outputRate);
        FilterResponse response = FilterResponse.of(bank, inputRate);
        double lowerNyquist = Math.min(inputRate, outputRate) / 2.0;

        double ripple = response.maxDb(0, 0.9 * lowerNyquist) - response.minDb(0, 0.9 * lowerNyquist);
        double attenuation = -response.maxDb(lowerNyquist, response.nyquistHz());
        System.out.printf("response %6d -> %6d Hz: %d taps x %d phases, passband ripple %.5f dB, "
                        + "stopband %.1f dB, gain at 0.95 of lower Nyquist %.1f dB%n", inputRate, outputRate,
                bank.taps(), bank.phases(), ripple, attenuation, response.gainDb(0.95 * lowerNyquist));

        assertThat(ripple).isLessThan(0.1);
        assertThat(attenuation).isGreaterThan(80);
    }

    @ParameterizedTest
    @CsvSource({"22050, 48000", "48000, 16000", "24000, 8000", "44100, 22050", "48000, 44100", "44100, 47999"})
    void sweptTonesMeetTheTargets(int inputRate, int outputRate) {
        double lowerNyquist = Math.min(inputRate, outputRate) / 2.0;
        double passbandEdge = 0.9 * lowerNyquist;
        double minGain = Double.MAX_VALUE;
        double maxGain = -Double.MAX_VALUE;
        double worstLeak = -Double.MAX_VALUE;
        double worstLeakAt = 0;
        int tones = 240;
        for (int t = 1; t < tones; t++) {
            double f = inputRate / 2.0 * t / tones;
            double[] y = convert(Signals.sineFloats(f, inputRate, inputRate / 5, 1), inputRate, outputRate);
            int from = y.length / 10;
            int to = y.length - from;
            double passed = f < outputRate / 2.0 ? Signals.amplitudeAt(y, outputRate, f, from, to) : 0;
            if (f <= passbandEdge) {
                minGain = Math.min(minGain, Signals.db(passed));
                maxGain = Math.max(maxGain, Signals.db(passed));
            }
            // Whatever is not the tone itself is an alias or an image.
            double leak = Signals.db(Math.sqrt(2) * residualRms(y, outputRate, f, passed, from, to));
            if (leak > worstLeak) {
                worstLeak = leak;
                worstLeakAt = f;
            }
        }
        System.out.printf("sweep    %6d -> %6d Hz: passband ripple %.5f dB, worst alias/image %.1f dB "
                + "(tone at %.0f Hz)%n", inputRate, outputRate, maxGain - minGain, worstLeak, worstLeakAt);

        assertThat(maxGain - minGain).isLessThan(0.1);
        assertThat(worstLeak).isLessThan(-80);
    }

    /** Returns the RMS of {@code y} after subtracting the fitted tone at {@code f} (if it passed). */
    private static double residualRms(double[] y, int rate, double f, double amplitude, int from, int to) {
        double[] residual = y.clone();
        if (amplitude > 0) {
            // Refit the phase too, then subtract the fitted tone.
            double w = 2 * Math.PI * f / rate;
            double[] ab = Signals.fitTone(y, rate, f, from, to);
            for (int i = from; i < to; i++) {
                residual[i] -= ab[0] * Math.cos(w * i) + ab[1] * Math.sin(w * i);
            }
        }
        return Signals.rms(residual, from, to);
    }

    private static double[] convert(float[] in, int inputRate, int outputRate) {
        PolyphaseResampler r = new PolyphaseResampler(inputRate, outputRate, FilterBank.design(inputRate, outputRate));
        return Signals.toDoubles(Signals.concat(r.processFloats(in, 0, in.length), r.flushFloats()));
    }
}
