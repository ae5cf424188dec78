package dev.chorus.audio;

import dev.chorus.testing.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lifecycle, lengths and streaming behaviour of {@link Resampler}. */
class ResamplerTest {

    @Test
    void rejectsRatesOutsideTheSupportedRange() {
        assertThatThrownBy(() -> Resampler.create(0, 16000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inputRate: 0 (expected: 4000 to 192000)");
        assertThatThrownBy(() -> Resampler.create(16000, 192001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("outputRate: 192001 (expected: 4000 to 192000)");
    }

    @Test
    void equalRatesPassSamplesThroughUnchanged() {
        Resampler r = Resampler.create(22050, 22050);
        short[] in = randomNoise(1000, 1);

        assertThat(r.process(in, 100, 500)).containsExactly(java.util.Arrays.copyOfRange(in, 100, 600));
        assertThat(r.flush()).isEmpty();
        assertThat(r.inputRate()).isEqualTo(22050);
        assertThat(r.outputRate()).isEqualTo(22050);
    }

    @ParameterizedTest
    @CsvSource({"22050, 48000", "48000, 16000", "24000, 8000", "44100, 22050", "8000, 44100", "44100, 8000",
            "16000, 22050", "48000, 44100", "44100, 47999", "192000, 4000", "4000, 192000", "22050, 22050"})
    void outputLengthIsInputLengthTimesTheRatioRoundedUp(int inputRate, int outputRate) {
        for (int length : new int[] {0, 1, 2, 3, 17, 100, 1000, 12345}) {
            Resampler r = Resampler.create(inputRate, outputRate);
            short[] in = randomNoise(length, length);
            int total = r.process(in, 0, length).length + r.flush().length;

            assertThat(total)
                    .as("%d samples at %d -> %d Hz", length, inputRate, outputRate)
                    .isEqualTo((int) Math.ceilDiv((long) length * outputRate, inputRate));
        }
    }

    @ParameterizedTest
    @CsvSource({"22050, 48000", "48000, 16000", "24000, 8000", "44100, 22050", "16000, 22050", "48000, 44100",
            "44100, 47999", "8000, 44100"})
    void chunkedInputGivesTheSameSamplesAsOneBlock(int inputRate, int outputRate) {
        short[] in = Signals.concat(Signals.sine(440, inputRate, inputRate / 4, 12000), randomNoise(3001, 7));
        Resampler whole = Resampler.create(inputRate, outputRate);
        short[] expected = Signals.concat(whole.process(in, 0, in.length), whole.flush());

        Random random = new Random(inputRate ^ outputRate);
        Resampler chunked = Resampler.create(inputRate, outputRate);
        short[] actual = new short[0];
        int offset = 0;
        while (offset < in.length) {
            // Includes empty and single-sample calls, which must not disturb the state.
            int length = Math.min(in.length - offset, random.nextInt(4) == 0 ? random.nextInt(2) : random.nextInt(700));
            actual = Signals.concat(actual, chunked.process(in, offset, length));
            offset += length;
        }
        actual = Signals.concat(actual, chunked.flush());

        assertThat(actual).containsExactly(expected);
    }

    @Test
    void returnsOutputBeforeTheInputEnds() {
        Resampler r = Resampler.create(22050, 48000);
        short[] in = Signals.sine(1000, 22050, 2205, 10000);

        // 100 ms in: all but the look-ahead of half a filter (58 input samples) is already out.
        short[] out = r.process(in, 0, in.length);
        assertThat(out.length).isBetween(4800 - 2 * 58 * 48000 / 22050, 4800);
    }

    @Test
    void processAfterFlushFailsAndFlushTwiceReturnsNothing() {
        Resampler r = Resampler.create(16000, 24000);
        int first = r.process(new short[100], 0, 100).length;
        assertThat(first + r.flush().length).isEqualTo(150);

        assertThat(r.flush()).isEmpty();
        assertThatThrownBy(() -> r.process(new short[10], 0, 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("resampler already flushed");
    }

    @Test
    void rejectsARangeOutsideTheArray() {
        Resampler r = Resampler.create(16000, 24000);
        assertThatThrownBy(() -> r.process(new short[10], 5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void constantInputStaysConstantAwayFromTheEdges() {
        short[] in = new short[4000];
        java.util.Arrays.fill(in, (short) 12345);
        for (int[] pair : new int[][] {{22050, 48000}, {44100, 16000}, {48000, 44100}, {44100, 47999}}) {
            Resampler r = Resampler.create(pair[0], pair[1]);
            short[] out = Signals.concat(r.process(in, 0, in.length), r.flush());

            assertThat(java.util.Arrays.copyOfRange(out, 500, out.length - 500))
                    .as("%d -> %d Hz", pair[0], pair[1])
                    .containsOnly((short) 12345);
        }
    }

    @Test
    void clipsOvershootInsteadOfWrappingAround() {
        // A full-scale square wave rings above full scale after band-limiting (Gibbs), which must clip.
        short[] in = new short[8000];
        for (int i = 0; i < in.length; i++) {
            in[i] = (i / 40) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
        }
        Resampler r = Resampler.create(48000, 16000);
        short[] out = Signals.concat(r.process(in, 0, in.length), r.flush());

        int clippedHigh = 0;
        for (int i = 200; i < out.length - 200; i++) {
            if (out[i] == Short.MAX_VALUE) {
                clippedHigh++;
            }
            // Without clipping, a sample just above +32767 would wrap to a large negative value mid-plateau.
            if ((3 * i / 40) % 2 == 0 && (3 * i) % 40 > 8 && (3 * i) % 40 < 32) {
                assertThat(out[i]).as("sample %d", i).isPositive();
            }
        }
        assertThat(clippedHigh).isPositive();
    }

    static short[] randomNoise(int n, long seed) {
        Random random = new Random(seed);
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            out[i] = (short) Math.clamp(Math.round(random.nextGaussian() * 6000), Short.MIN_VALUE, Short.MAX_VALUE);
        }
        return out;
    }
}
