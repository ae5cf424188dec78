package dev.chorus.audio;

import dev.chorus.testing.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Pitch, duration and streaming behaviour of {@link PitchShift}. */
class PitchShiftTest {

    @ParameterizedTest(name = "{0} semitones at {1} Hz")
    @CsvSource({"12, 24000", "-12, 24000", "7, 22050", "-5, 16000", "3, 48000", "12, 8000", "-12, 8000"})
    void movesThePitchBySemitonesAndKeepsTheDuration(double semitones, int rate) {
        short[] input = Signals.harmonicTone(150, rate, 2 * rate);

        short[] output = Collect.run(PitchShift.create(rate, semitones), input, 999);

        assertThat(output).hasSameSizeAs(input);
        int mid = output.length / 2;
        double expected = 150 * Math.pow(2, semitones / 12);
        assertThat(Signals.autocorrelationF0(output, rate, mid - rate / 8, mid + rate / 8))
                .isCloseTo(expected, within(expected * 0.03));
        double rmsIn = Signals.rms(Signals.toDoubles(input), mid - rate / 4, mid + rate / 4);
        double rmsOut = Signals.rms(Signals.toDoubles(output), mid - rate / 4, mid + rate / 4);
        assertThat(rmsOut / rmsIn).as("level").isBetween(0.7, 1.1);
    }

    @Test
    void theOutputIsTheSameHoweverTheInputIsSplit() {
        short[] input = Signals.speechLike(16000, 1.2, 8);
        short[] whole = Collect.run(PitchShift.create(16000, 4), input, input.length);
        short[] pieces = Collect.run(PitchShift.create(16000, 4), input, 77);
        assertThat(pieces).containsExactly(whole).hasSameSizeAs(input);
    }

    @Test
    void zeroSemitonesPassesSamplesThroughUnchanged() {
        short[] input = Signals.speechLike(24000, 0.3, 2);
        assertThat(Collect.run(PitchShift.create(24000, 0), input, 100)).containsExactly(input);
    }

    @Test
    void validatesArguments() {
        assertThatThrownBy(() -> PitchShift.create(24000, 12.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("semitones: 12.5 (expected: -12.0 to 12.0)");
        assertThatThrownBy(() -> PitchShift.create(192000, 12)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("semitones: 12.0 at 192000 Hz (expected: a shift to a rate, 384000 Hz here, within 4000 to"
                        + " 192000 Hz)");
        PitchShift shift = PitchShift.create(16000, -3);
        assertThat(shift.semitones()).isEqualTo(-3);
        assertThat(shift.sampleRate()).isEqualTo(16000);
        shift.flush(new Collect());
        assertThatThrownBy(() -> shift.process(new short[1], 0, 1, new Collect()))
                .isInstanceOf(IllegalStateException.class);
    }
}
