package dev.chorus.cluster.gateway;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ejection, backoff, probe and slow-start rules of one worker, on a clock the test moves. */
class WorkerHealthTest {

    private static final OutlierSettings SETTINGS = new OutlierSettings(3, Duration.ofSeconds(10),
            Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(4));

    private long now = 1_000_000_000L;
    private final WorkerHealth health = new WorkerHealth(SETTINGS, () -> now);

    private void advance(Duration d) {
        now += d.toNanos();
    }

    @Test
    void failuresInARowEjectAndASuccessResetsTheStreak() {
        assertThat(health.failed()).isNull();
        assertThat(health.failed()).isNull();
        health.succeeded();
        assertThat(health.failed()).isNull();
        assertThat(health.failed()).isNull();
        assertThat(health.ejected()).isFalse();
        assertThat(health.failed()).isEqualTo(Duration.ofSeconds(1));
        assertThat(health.ejected()).isTrue();
        assertThat(health.ejections()).isEqualTo(1);
    }

    @Test
    void failuresFurtherApartThanTheWindowStartANewStreak() {
        health.failed();
        health.failed();
        advance(Duration.ofSeconds(11));
        assertThat(health.failed()).isNull();
        assertThat(health.streak()).isEqualTo(1);
    }

    @Test
    void anEjectedWorkerIsProbedBackAndAFailedProbeDoublesTheEjection() {
        fail(3);
        advance(Duration.ofMillis(999));
        assertThat(health.ejected()).isTrue();
        advance(Duration.ofMillis(1));
        assertThat(health.ejected()).as("readmitted when the time is up").isFalse();
        assertThat(health.probing()).isTrue();
        assertThat(health.failed()).as("one failed probe is enough").isEqualTo(Duration.ofSeconds(2));
        advance(Duration.ofSeconds(2));
        assertThat(health.failed()).isEqualTo(Duration.ofSeconds(4));
        advance(Duration.ofSeconds(4));
        assertThat(health.failed()).as("capped at the maximum").isEqualTo(Duration.ofSeconds(8));
        advance(Duration.ofSeconds(8));
        assertThat(health.failed()).isEqualTo(Duration.ofSeconds(8));
        assertThat(health.ejections()).isEqualTo(5);
    }

    @Test
    void aSuccessfulProbeEndsTheProbeAndALongHealthyStretchResetsTheBackoff() {
        fail(3);
        advance(Duration.ofSeconds(1));
        health.succeeded();
        assertThat(health.probing()).isFalse();
        assertThat(fail(2)).isNull();
        assertThat(health.failed()).as("after a success, a full streak again").isEqualTo(Duration.ofSeconds(2));
        advance(Duration.ofSeconds(2));
        health.succeeded();
        advance(Duration.ofSeconds(9));
        assertThat(fail(3)).as("admitted longer than the maximum: back to the base time")
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aJoiningOrReadmittedWorkerRampsUpItsShare() {
        assertThat(health.share()).as("no slow start before it joined").isEqualTo(1.0);
        health.admitted();
        assertThat(health.share()).isEqualTo(WorkerHealth.MIN_SHARE);
        advance(Duration.ofSeconds(2));
        assertThat(health.share()).isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-9));
        advance(Duration.ofSeconds(2));
        assertThat(health.share()).isEqualTo(1.0);
        fail(3);
        advance(Duration.ofSeconds(1));
        assertThat(health.share()).as("readmitted after its ejection").isEqualTo(WorkerHealth.MIN_SHARE);
    }

    @Test
    void aWorkerInSlowStartIsLeftOutOfTheCandidatesInProportion() {
        List<String> pool = List.of("new", "old");
        long kept = IntStream.range(0, 2_000)
                .filter(i -> WorkerHealth.thin(pool, w -> w.equals("new") ? 0.1 : 1).contains("new")).count();
        assertThat(kept).isBetween(100L, 400L);
        assertThat(WorkerHealth.thin(List.of("new"), w -> 0.1)).as("never no candidate").containsExactly("new");
        assertThat(WorkerHealth.thin(pool, w -> 0.0)).as("all left out: all kept").isEqualTo(pool);
    }

    @Test
    void badSettingsNameTheSetting() {
        assertThatThrownBy(() -> new OutlierSettings(0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ZERO)).hasMessageContaining("cluster.outlier.failures");
        assertThatThrownBy(() -> new OutlierSettings(1, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ZERO)).hasMessageContaining("cluster.outlier.max-ejection");
        assertThatThrownBy(() -> new OutlierSettings(1, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(-1))).hasMessageContaining("cluster.slow-start");
    }

    private Duration fail(int n) {
        Duration last = null;
        for (int i = 0; i < n; i++) {
            last = health.failed();
        }
        return last;
    }
}
