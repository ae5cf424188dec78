package dev.chorus.cluster.worker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GpuProbeTest {

    @Test
    void readsNvidiaSmiCsvAveragingUtilizationAndSummingMemory() {
        GpuProbe.Reading r = GpuProbe.parse("30, 1000, 80000\n50, 3000, 80000\n");
        assertThat(r.util()).isEqualTo(0.4);
        assertThat(r.usedBytes()).isEqualTo(4000L << 20);
        assertThat(r.totalBytes()).isEqualTo(160000L << 20);
    }

    @Test
    void aBoardWithoutFiguresIsNoGpu() {
        assertThat(GpuProbe.parse("[N/A], [N/A], [N/A]\n")).isNull();
        assertThat(GpuProbe.parse("")).isNull();
    }
}
