package dev.chorus.cluster.gateway;

import dev.chorus.proto.cluster.v1.LoadReport;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingPolicyTest {

    private record C(LoadReport report, int outstanding) implements RoutingPolicy.Candidate {
    }

    private static LoadReport report(double backlog, boolean known, double cpu, double gpu, long used, long total) {
        return LoadReport.newBuilder().setBacklogSeconds(backlog).setBacklogKnown(known).setCpuLoad(cpu)
                .setGpuUtil(gpu).setGpuMemoryUsedBytes(used).setGpuMemoryTotalBytes(total).build();
    }

    @Test
    void lessBacklogWinsWhenBothAreKnown() {
        C idle = new C(report(0.1, true, 0.9, 0.9, 9, 10), 5);
        C busy = new C(report(2.0, true, 0.0, 0.0, 0, 10), 0);
        assertThat(RoutingPolicy.better(idle, busy)).isSameAs(idle);
        assertThat(RoutingPolicy.better(busy, idle)).isSameAs(idle);
    }

    /** A candidate that knows the request's predicted time on it. */
    private record Timed(LoadReport report, int outstanding, double serviceSeconds)
            implements RoutingPolicy.Candidate {
    }

    @Test
    void theWorkerThatWouldFinishSoonerWinsWhenBothKnowTheRequestsTime() {
        // Threads free on both (no backlog): the worker four times faster wins, whatever the hardware says.
        Timed fast = new Timed(report(0, true, 0.9, 0, 0, 0), 3, 0.2);
        Timed slow = new Timed(report(0, true, 0.0, 0, 0, 0), 0, 0.8);
        assertThat(RoutingPolicy.better(slow, fast)).isSameAs(fast);
        assertThat(RoutingPolicy.better(fast, slow)).isSameAs(fast);
        // A short wait on the fast one still finishes sooner (0.3 + 0.2 < 0.8) ...
        Timed fastQueued = new Timed(report(0.3, true, 0, 0, 0, 0), 0, 0.2);
        assertThat(RoutingPolicy.better(slow, fastQueued)).isSameAs(fastQueued);
        // ... a long one does not (0.7 + 0.2 > 0.8).
        Timed fastBusy = new Timed(report(0.7, true, 0, 0, 0, 0), 0, 0.2);
        assertThat(RoutingPolicy.better(fastBusy, slow)).isSameAs(slow);
        // Without the request's time on one of them, the backlog alone decides.
        Timed unknown = new Timed(report(0.7, true, 0, 0, 0, 0), 0, 0);
        Timed idle = new Timed(report(0, true, 0, 0, 0, 0), 0, 5);
        assertThat(RoutingPolicy.better(unknown, idle)).isSameAs(idle);
    }

    /** A candidate with a report of {@code pending} requests on {@code threads} threads, and sends since. */
    private record Sent(LoadReport report, int outstanding, double serviceSeconds, int sentSinceReport)
            implements RoutingPolicy.Candidate {
    }

    private static LoadReport busy(double backlog, int pending, int threads) {
        return LoadReport.newBuilder().setBacklogSeconds(backlog).setBacklogKnown(true).setPendingRequests(pending)
                .setThreads(threads).build();
    }

    @Test
    void requestsSentSinceTheLatestReportCountAgainstTheirWorker() {
        // Both full (8 requests on 4 threads); the first reported a little less backlog, but two requests went
        // there since: each queues for a quarter of its 1 s, so the second now has less.
        Sent lessButSent = new Sent(busy(2.0, 8, 4), 10, 1.0, 2);
        Sent more = new Sent(busy(2.1, 8, 4), 8, 1.0, 0);
        assertThat(RoutingPolicy.backlogNow(lessButSent)).isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(RoutingPolicy.better(lessButSent, more)).isSameAs(more);
        // Sent to free threads, nothing queues: 2 pending + 1 sent on 4 threads.
        Sent free = new Sent(busy(0, 2, 4), 3, 1.0, 1);
        assertThat(RoutingPolicy.backlogNow(free)).isZero();
        // One of three sent finds the last free thread, two queue.
        Sent filling = new Sent(busy(0, 3, 4), 3, 1.0, 3);
        assertThat(RoutingPolicy.backlogNow(filling)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theHardwareScoreBreaksTiesAndDecidesWhenBacklogIsUnknown() {
        C gpuBusy = new C(report(0.5, true, 0.1, 0.8, 8, 10), 0);
        C gpuFree = new C(report(0.505, true, 0.1, 0.1, 1, 10), 0);
        assertThat(RoutingPolicy.better(gpuBusy, gpuFree)).isSameAs(gpuFree);
        C unknownBusy = new C(report(0, false, 0.9, 0, 0, 0), 0);
        C unknownIdle = new C(report(5, false, 0.2, 0, 0, 0), 0);
        assertThat(RoutingPolicy.better(unknownBusy, unknownIdle)).isSameAs(unknownIdle);
        // Same load everywhere: the worker with fewer of this gateway's requests.
        C a = new C(report(0, true, 0.5, 0, 0, 0), 3);
        C b = new C(report(0, true, 0.5, 0, 0, 0), 1);
        assertThat(RoutingPolicy.better(a, b)).isSameAs(b);
    }

    @Test
    void theHardwareScoreIsTheDocumentedWeightedSum() {
        assertThat(RoutingPolicy.hardwareScore(report(0, false, 0.5, 0.4, 3, 4)))
                .isCloseTo(0.5 * 0.4 + 0.3 * 0.5 + 0.2 * 0.75, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(RoutingPolicy.hardwareScore(report(0, false, 0.5, 0, 0, 0))).isCloseTo(0.15,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void powerOfTwoChoicesNeverPicksTheWorstOfThree() {
        C worst = new C(report(9, true, 0, 0, 0, 0), 0);
        List<RoutingPolicy.Candidate> all = List.of(new C(report(0.1, true, 0, 0, 0, 0), 0),
                new C(report(0.2, true, 0, 0, 0, 0), 0), worst);
        RoutingPolicy p = RoutingPolicy.backlog();
        Set<RoutingPolicy.Candidate> picked = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            picked.add(p.pick(all));
        }
        assertThat(picked).doesNotContain(worst).hasSize(2);
    }

    @Test
    void roundRobinTakesEachInTurnAndUnknownNamesAreRefused() {
        List<RoutingPolicy.Candidate> all = List.of(new C(report(9, true, 0, 0, 0, 0), 0),
                new C(report(0, true, 0, 0, 0, 0), 0));
        RoutingPolicy p = RoutingPolicy.of("round-robin");
        assertThat(List.of(p.pick(all), p.pick(all), p.pick(all))).containsExactly(all.get(0), all.get(1),
                all.get(0));
        assertThat(RoutingPolicy.of(" Backlog ").name()).isEqualTo("backlog");
        assertThatThrownBy(() -> RoutingPolicy.of("random")).hasMessage(
                "cluster.policy: random (expected: backlog or round-robin)");
    }
}
