package dev.chorus.asr.dnsmos.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentsTest {

    @Test
    void oneSegmentEverySecondThatFits() {
        assertThat(Segments.starts(144_160)).containsExactly(0);
        assertThat(Segments.starts(159_999)).containsExactly(0);
        assertThat(Segments.starts(160_000)).containsExactly(0); // 10 s: floor(10 - 9.01) + 1
        assertThat(Segments.starts(176_000)).containsExactly(0, 16_000);
        assertThat(Segments.starts(20 * 16_000)).hasSize(11).endsWith(160_000);
        assertThat(Segments.starts(0)).isEmpty();
    }

    @Test
    void aShortClipIsRepeatedUntilItFillsASegment() {
        float[] clip = {1, 2, 3};
        float[] extended = Segments.extend(clip);
        assertThat(extended.length).isEqualTo(3 * 65_536); // 3 doubled 16 times: the first length >= 144160
        assertThat(extended[3]).isEqualTo(1);
        assertThat(extended[extended.length - 1]).isEqualTo(3);
        // 2 s doubles to 4, 8, then 16 s: seven segments, as DNSMOS scores a two-second clip.
        assertThat(Segments.starts(Segments.extend(new float[32_000]).length)).hasSize(7);
        assertThat(Segments.extend(new float[0])).isEmpty();
    }

    @Test
    void calibrationIsDnsmossPolynomials() {
        // np.poly1d([-0.06766283, 1.11546468, 0.04602535])(3.0)
        assertThat(Calibration.DNSMOS.overall(3.0)).isCloseTo(-0.06766283 * 9 + 1.11546468 * 3 + 0.04602535,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Calibration.PERSONALIZED.background(2.0)).isCloseTo(
                -0.04976499 * 8 + 0.44276479 * 4 - 0.1644611 * 2 + 0.96883132,
                org.assertj.core.data.Offset.offset(1e-12));
    }
}
