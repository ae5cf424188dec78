package dev.chorus.runtime;

import dev.chorus.tts.OverloadedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Admission by predicted wait, priority shedding and priority order, on one engine with one worker. */
class AdmissionTest {

    private static final Duration LONG = Duration.ofMinutes(1);
    private final SynthesisScheduler scheduler = new SynthesisScheduler(4, Duration.ZERO, Duration.ofMillis(100));

    AdmissionTest() {
        scheduler.addEngine("e", 1);
    }

    @AfterEach
    void close() {
        scheduler.close();
    }

    /** Teaches the estimate 10 ms per character. */
    private void learn() {
        Admission a = scheduler.admit("e", 0, 100, LONG);
        scheduler.chunkDone("e", a, 100, 1_000_000_000L, true);
        scheduler.release(a);
        assertThat(scheduler.estimatedTimePerChar("e")).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void aRequestPredictedToWaitTooLongIsRefusedAtOnceWithRetryAfterFromThePrediction() {
        learn();
        Admission running = scheduler.admit("e", 0, 250, LONG);
        // 250 characters ahead x 10 ms on one worker: 2.5 s predicted, over the 100 ms limit by 2.4 s.
        assertThat(scheduler.predictedWait("e")).isEqualTo(Duration.ofMillis(2500));
        assertThatThrownBy(() -> scheduler.admit("e", 0, 10, LONG)).isInstanceOfSatisfying(
                OverloadedException.class, e -> {
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(e.getMessage()).contains("predicted wait of 2500 ms").contains("100 ms");
                });
        // A more urgent request does not wait behind less urgent work.
        Admission urgent = scheduler.admit("e", 1, 10, LONG);
        scheduler.release(urgent);
        // Progress on the running request shortens the prediction (5 characters left: 50 ms) until one fits.
        scheduler.chunkDone("e", running, 245, 2_450_000_000L, true);
        assertThat(scheduler.predictedWait("e")).isEqualTo(Duration.ofMillis(50));
        Admission next = scheduler.admit("e", 0, 10, LONG);
        List.of(running, next).forEach(scheduler::release);
        assertThat(scheduler.pendingRequests("e")).isZero();
    }

    @Test
    void withoutAQueueLimitTheDeadlineDecides() {
        SynthesisScheduler s = new SynthesisScheduler(4);
        s.addEngine("e", 1);
        try {
            Admission a = s.admit("e", 0, 100, LONG);
            s.chunkDone("e", a, 100, 1_000_000_000L, true);
            // The first request is done (0 characters left); a second of 100 characters puts 1 s ahead of the next.
            Admission b = s.admit("e", 0, 100, LONG);
            assertThat(s.admit("e", 0, 10, Duration.ofSeconds(2))).isNotNull();
            assertThatThrownBy(() -> s.admit("e", 0, 10, Duration.ofMillis(500)))
                    .isInstanceOf(OverloadedException.class).hasMessageContaining("deadline of 500 ms");
            s.release(b);
        } finally {
            s.close();
        }
    }

    @Test
    void withARatioAShortRequestMayWaitLessThanALongOne() {
        SynthesisScheduler s = new SynthesisScheduler(32, Duration.ZERO, Duration.ZERO, 1);
        s.addEngine("e", 2);
        try {
            Admission a = s.admit("e", 0, 100, LONG);
            s.chunkDone("e", a, 100, 1_000_000_000L, true); // 10 ms a character
            s.release(a);
            List<Admission> held = new ArrayList<>();
            held.add(s.admit("e", 0, 100, LONG));
            held.add(s.admit("e", 0, 100, LONG));
            // Two workers busy with 200 characters: 1 s ahead. A 100-character request (1 s of its own) is
            // admitted; a 50-character one (0.5 s) would wait twice its own time and is refused.
            assertThatThrownBy(() -> s.admit("e", 0, 50, LONG)).isInstanceOfSatisfying(OverloadedException.class,
                    e -> assertThat(e.getMessage()).contains("predicted wait of 1000 ms")
                            .contains("own predicted synthesis time of 500 ms")
                            .contains("limits.max-queue-wait-ratio"));
            held.add(s.admit("e", 0, 100, LONG));
            // Now 300 characters ahead (1.5 s): even a 100-character request is refused.
            assertThatThrownBy(() -> s.admit("e", 0, 100, LONG)).isInstanceOf(OverloadedException.class);
            held.forEach(s::release);
            assertThat(s.pendingRequests("e")).isZero();
        } finally {
            s.close();
        }
    }

    @Test
    void lowPriorityIsShedFirstWhenTheEngineIsNearlyFull() {
        List<Admission> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(scheduler.admit("e", 0, 0, LONG));
        }
        // Three of four slots taken: background work is refused, normal work still gets the last slot.
        assertThatThrownBy(() -> scheduler.admit("e", -1, 0, LONG)).isInstanceOf(OverloadedException.class)
                .hasMessageContaining("low-priority");
        held.add(scheduler.admit("e", 0, 0, LONG));
        assertThatThrownBy(() -> scheduler.admit("e", 5, 0, LONG)).isInstanceOf(OverloadedException.class)
                .hasMessageContaining("4 requests in progress (limit 4)");
        held.forEach(scheduler::release);
        assertThat(scheduler.admit("e", -1, 0, LONG)).isNotNull();
    }

    @Test
    void chunksRunByPriorityThenFirstChunksThenAge() {
        PriorityQueue<SynthesisScheduler.ChunkTask> q = new PriorityQueue<>();
        q.add(task(0, 1, 1));
        q.add(task(0, 2, 0));
        q.add(task(0, 1, 0));
        q.add(task(2, 3, 4));
        q.add(task(-1, 0, 0));
        List<String> order = new ArrayList<>();
        while (!q.isEmpty()) {
            SynthesisScheduler.ChunkTask t = q.poll();
            order.add(t.priority + "/" + t.requestSequence + "/" + t.chunkIndex);
        }
        assertThat(order).containsExactly("2/3/4", "0/1/0", "0/2/0", "0/1/1", "-1/0/0");
    }

    private static SynthesisScheduler.ChunkTask task(int priority, long sequence, int chunk) {
        return new SynthesisScheduler.ChunkTask(priority, sequence, chunk) {
            @Override
            public void run() {
            }
        };
    }
}
