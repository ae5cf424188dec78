package dev.chorus.audio;

import dev.chorus.testing.Signals;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Level changes and clipping of {@link Gain}. */
class GainTest {

    @Test
    void sixDecibelsDoublesTheAmplitudeAndMinusSixHalvesIt() {
        short[] input = Signals.sine(440, 24000, 24000, 8000);
        short[] louder = Collect.run(Gain.ofDecibels(6.0206), input, 1000);
        short[] quieter = Collect.run(Gain.ofDecibels(-6.0206), input, 1000);

        assertThat(Signals.peak(louder)).isCloseTo(16000, within(2));
        assertThat(Signals.peak(quieter)).isCloseTo(4000, within(2));
        for (int i = 0; i < input.length; i++) {
            assertThat(louder[i]).isCloseTo((short) (2 * input[i]), within((short) 1));
        }
        assertThat(Gain.ofDecibels(20).factor()).isCloseTo(10, within(1e-6));
    }

    @Test
    void largeGainsClipAtFullScaleAndNeverWrapAround() {
        short[] input = {Short.MAX_VALUE, Short.MIN_VALUE, 20000, -20000, 3000, -3000, 0, 1};
        short[] output = Collect.run(Gain.ofDecibels(20), input, 3);
        assertThat(output).containsExactly(Short.MAX_VALUE, Short.MIN_VALUE, Short.MAX_VALUE, Short.MIN_VALUE,
                30000, -30000, 0, 10);
    }

    @Test
    void theLowestGainLeavesAFaintSignalAndSilenceStaysSilent() {
        short[] input = {Short.MAX_VALUE, Short.MIN_VALUE, 1000, 0};
        assertThat(Collect.run(Gain.ofDecibels(Gain.MIN_DB), input, 4)).containsExactly(33, -33, 1, 0);
    }

    @Test
    void zeroDecibelsPassesTheCallersSamplesThrough() {
        short[] input = Signals.speechLike(16000, 0.2, 1);
        Gain gain = Gain.ofDecibels(0);
        short[][] seen = new short[1][];
        gain.process(input, 0, input.length, (s, o, n) -> seen[0] = s);
        assertThat(seen[0]).isSameAs(input);
        assertThat(gain.isIdentity()).isTrue();
        short[] copy = input.clone();
        gain.apply(copy, 0, copy.length);
        assertThat(copy).containsExactly(input);
    }

    @Test
    void appliesInPlace() {
        short[] samples = {100, -100, 30000};
        Gain.ofDecibels(6.0206).apply(samples, 1, 2);
        assertThat(samples).containsExactly(100, -200, Short.MAX_VALUE);
    }

    @Test
    void rejectsGainsOutsideTheRangeAndNonNumbers() {
        for (double db : new double[] {-60.5, 20.1, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
            Double.NaN}) {
            assertThatThrownBy(() -> Gain.ofDecibels(db)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("gain: " + db + " dB (expected: -60.0 to 20.0 dB)");
        }
    }
}
