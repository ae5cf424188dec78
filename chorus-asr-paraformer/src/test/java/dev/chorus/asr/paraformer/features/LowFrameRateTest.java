package dev.chorus.asr.paraformer.features;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LowFrameRateTest {

    private static float[] constant(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    @Test
    void stacksSevenFramesEverySixWithTheEdgesRepeated() {
        int frames = 13;
        float[] features = new float[frames * Fbank.BINS];
        for (int f = 0; f < frames; f++) {
            Arrays.fill(features, f * Fbank.BINS, (f + 1) * Fbank.BINS, f);
        }
        LowFrameRate lfr = LowFrameRate.of(7, 6, Fbank.BINS, constant(560, 0), constant(560, 1));
        float[] out = lfr.apply(features, frames);
        assertThat(lfr.outputDim()).isEqualTo(560);
        assertThat(lfr.frames(frames)).isEqualTo(3);
        assertThat(out).hasSize(3 * 560);
        // Which input frame each of the seven slots of an output frame holds.
        assertThat(slots(out, 0)).containsExactly(0, 0, 0, 0, 1, 2, 3);
        assertThat(slots(out, 1)).containsExactly(3, 4, 5, 6, 7, 8, 9);
        assertThat(slots(out, 2)).containsExactly(9, 10, 11, 12, 12, 12, 12);
    }

    private static int[] slots(float[] out, int frame) {
        int[] s = new int[7];
        for (int j = 0; j < 7; j++) {
            s[j] = (int) out[frame * 560 + j * Fbank.BINS];
            for (int b = 1; b < Fbank.BINS; b++) {
                assertThat(out[frame * 560 + j * Fbank.BINS + b]).isEqualTo(s[j]);
            }
        }
        return s;
    }

    @Test
    void normalizesWithTheNegatedMeanAndInverseDeviationPerColumn() {
        float[] negMean = new float[560];
        float[] invStddev = new float[560];
        for (int k = 0; k < 560; k++) {
            negMean[k] = -k;
            invStddev[k] = 0.5f;
        }
        float[] features = constant(6 * Fbank.BINS, 10);
        float[] out = LowFrameRate.of(7, 6, Fbank.BINS, negMean, invStddev).apply(features, 6);
        assertThat(out).hasSize(560);
        for (int k = 0; k < 560; k++) {
            assertThat(out[k]).isEqualTo((10f - k) * 0.5f);
        }
    }

    @Test
    void refusesCmvnOfTheWrongSizeAndFeaturesOfTheWrongShape() {
        assertThatThrownBy(() -> LowFrameRate.of(7, 6, Fbank.BINS, new float[80], new float[560]))
                .hasMessage("negMean, invStddev: 80, 560 values (expected: 560 each, window 7 x 80)");
        LowFrameRate lfr = LowFrameRate.of(7, 6, Fbank.BINS, new float[560], new float[560]);
        assertThatThrownBy(() -> lfr.apply(new float[100], 2)).hasMessageContaining("100 values for 2 frames");
        assertThat(lfr.apply(new float[0], 0)).isEmpty();
    }
}
