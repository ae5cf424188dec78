package dev.chorus.audio;

import dev.chorus.testing.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Duration, pitch and streaming behaviour of {@link TimeStretch}. */
class TimeStretchTest {

    @ParameterizedTest(name = "speed {0} at {1} Hz")
    @CsvSource({"2.0, 24000", "0.5, 24000", "4.0, 22050", "0.25, 16000", "1.3, 48000", "0.8, 8000"})
    void changesTheDurationByTheSpeedAndKeepsThePitch(double speed, int rate) {
        short[] input = Signals.harmonicTone(150, rate, 2 * rate);

        short[] output = Collect.run(TimeStretch.create(rate, speed), input, 1000);

        assertThat(output.length).isEqualTo(Math.round(input.length / speed));
        assertThat(output.length / (input.length / speed)).isCloseTo(1.0, within(0.03));
        int mid = output.length / 2;
        double f0 = Signals.autocorrelationF0(output, rate, mid - rate / 8, mid + rate / 8);
        assertThat(f0).as("F0 after speed %s", speed).isCloseTo(150, within(150 * 0.03));
        assertThat(Signals.peak(output)).as("level").isBetween(Signals.peak(input) * 8 / 10,
                Signals.peak(input) * 12 / 10);
    }

    @Test
    void followsTheGlidingPitchOfSpeechLikeAudio() {
        int rate = 24000;
        short[] input = Signals.speechLike(rate, 2.0, 1);
        for (double speed : new double[] {2.0, 0.5}) {
            short[] output = Collect.run(TimeStretch.create(rate, speed), input, 480);

            assertThat(output.length).isEqualTo(Math.round(input.length / speed));
            for (double at : new double[] {0.2, 0.3, 0.6, 0.8}) {
                int i = (int) (input.length * at);
                int o = (int) (output.length * at);
                double before = Signals.autocorrelationF0(input, rate, i - 600, i + 600);
                double after = Signals.autocorrelationF0(output, rate, o - 600, o + 600);
                // The output glides 1/speed times as fast, so its 50 ms window averages a different span.
                assertThat(after).as("F0 at %s of the way, speed %s", at, speed)
                        .isCloseTo(before, within(before * 0.04));
            }
        }
    }

    @Test
    void theOutputIsTheSameHoweverTheInputIsSplit() {
        int rate = 16000;
        short[] input = Signals.speechLike(rate, 1.3, 3);
        for (double speed : new double[] {0.5, 1.7}) {
            short[] whole = Collect.run(TimeStretch.create(rate, speed), input, input.length);
            Random random = new Random(42);
            TimeStretch stretch = TimeStretch.create(rate, speed);
            Collect pieces = new Collect();
            for (int i = 0; i < input.length; ) {
                int n = Math.min(input.length - i, random.nextInt(700));
                stretch.process(input, i, n, pieces);
                i += n;
            }
            stretch.flush(pieces);

            assertThat(pieces.samples()).as("speed %s", speed).containsExactly(whole);
            assertThat(pieces.calls()).isGreaterThan(10);
        }
    }

    @Test
    void outputDoesNotRunAheadOfTheInput() {
        TimeStretch stretch = TimeStretch.create(24000, 4.0);
        Collect out = new Collect();
        short[] input = Signals.harmonicTone(200, 24000, 24000);
        for (int i = 0; i < input.length; i += 100) {
            stretch.process(input, i, 100, out);
            assertThat(out.length()).isLessThanOrEqualTo((int) ((i + 100) / 4.0));
        }
        stretch.flush(out);
        assertThat(out.length()).isEqualTo(6000);
    }

    @Test
    void speedOnePassesSamplesThroughUnchangedAndAtOnce() {
        short[] input = Signals.speechLike(22050, 0.5, 4);
        TimeStretch stretch = TimeStretch.create(22050, 1.0);
        Collect out = new Collect();
        stretch.process(input, 10, 500, out);
        assertThat(out.samples()).containsExactly(java.util.Arrays.copyOfRange(input, 10, 510));
        stretch.flush(out);
        assertThat(out.length()).isEqualTo(500);
    }

    @Test
    void shortAndEmptyInputs() {
        assertThat(Collect.run(TimeStretch.create(24000, 2.0), new short[0], 1)).isEmpty();
        assertThat(Collect.run(TimeStretch.create(24000, 0.5), new short[] {1000, -1000, 500}, 1)).hasSize(6);
        assertThat(Collect.run(TimeStretch.create(8000, 3.0), Signals.harmonicTone(100, 8000, 100), 7))
                .hasSize(33);
    }

    @Test
    void validatesArgumentsAndState() {
        assertThatThrownBy(() -> TimeStretch.create(24000, 4.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("speed: 4.5 (expected: 0.25 to 4.0)");
        assertThatThrownBy(() -> TimeStretch.create(24000, Double.NaN))
                .hasMessage("speed: NaN (expected: 0.25 to 4.0)");
        assertThatThrownBy(() -> TimeStretch.create(1000, 1.0))
                .hasMessage("sampleRate: 1000 (expected: 4000 to 192000)");
        TimeStretch stretch = TimeStretch.create(24000, 1.5);
        assertThatThrownBy(() -> stretch.process(new short[4], 3, 2, new Collect()))
                .isInstanceOf(IndexOutOfBoundsException.class);
        stretch.flush(new Collect());
        stretch.flush(new Collect());
        assertThatThrownBy(() -> stretch.process(new short[4], 0, 4, new Collect()))
                .isInstanceOf(IllegalStateException.class).hasMessage("time stretch already flushed");
        assertThat(stretch.outputLength(3000)).isEqualTo(2000);
        assertThat(stretch.speed()).isEqualTo(1.5);
        assertThat(stretch.sampleRate()).isEqualTo(24000);
    }
}
