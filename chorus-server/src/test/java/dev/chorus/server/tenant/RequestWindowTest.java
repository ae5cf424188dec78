package dev.chorus.server.tenant;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hard requests-per-second ceiling in this process, on a ticker the test drives: it holds over every one-second
 * window, wherever it starts, including the one a fixed window let through twice the ceiling.
 */
class RequestWindowTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000_000 * MS);
    private final LocalTenantLimits limits = new LocalTenantLimits(null, now::get);

    private TenantLimitStore.WindowProbe at(long ms) {
        now.set(1_000_000 * MS + ms * MS);
        return limits.tryRequest("t:rps:5", 5);
    }

    @Test
    void requestsStraddlingASecondBoundaryAreHeldToTheCeiling() {
        // The case: 5 a second, requests late in one second and early in the next. A fixed window admitted
        // all ten within 0.68 s; only the first five fit in any one second.
        assertThat(at(0).admitted()).isTrue(); // the first request starts what a fixed window called a second
        for (long t : new long[] {700, 750, 800, 850}) {
            assertThat(at(t).admitted()).as("at %d ms", t).isTrue();
        }
        for (long t : new long[] {1020, 1100, 1200, 1300, 1380}) {
            TenantLimitStore.WindowProbe p = at(t);
            if (t == 1020) {
                assertThat(p.admitted()).as("the request at 0 ms left the window at 1000 ms").isTrue();
            } else {
                assertThat(p.admitted()).as("at %d ms", t).isFalse();
                assertThat(p.remaining()).isZero();
                // A place frees when the admission of 700 ms leaves the window.
                assertThat(p.nanosToWait()).isEqualTo((1700 - t) * MS);
            }
        }
        assertThat(at(1699).admitted()).isFalse();
        assertThat(at(1700).admitted()).as("exactly one second after the admission at 700 ms").isTrue();
        assertThat(at(1700).admitted()).isFalse();
    }

    @Test
    void remainingCountsDownAndRefusedRequestsTakeNoPlace() {
        for (int i = 0; i < 5; i++) {
            assertThat(at(i).remaining()).isEqualTo(4 - i);
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(at(10 + i % 900).admitted()).isFalse(); // a flood within the same second
        }
        // The flood took no place: a second after the first five, all five places are free again.
        for (int i = 0; i < 5; i++) {
            assertThat(at(1004 + i).admitted()).as("request %d of the next second", i).isTrue();
        }
    }

    @Test
    void noOneSecondWindowAnywhereHoldsMoreThanTheCeilingUnderRandomArrivals() {
        Random random = new Random(42);
        for (int ceiling : new int[] {1, 5, 37, 200}) {
            LocalTenantLimits store = new LocalTenantLimits(null, now::get);
            List<Long> admitted = new ArrayList<>();
            long t = 0;
            for (int i = 0; i < 20_000; i++) {
                t += (long) (random.nextDouble() * 2_000_000_000L / ceiling / 3); // 3 times the ceiling on average
                now.set(t);
                if (store.tryRequest("k", ceiling).admitted()) {
                    admitted.add(t);
                }
            }
            // Every window [a, a + 1 s) that starts at an admission holds at most the ceiling; those are the
            // fullest ones, since moving a window's start to its first admission only adds later ones.
            int j = 0;
            int most = 0;
            for (int i = 0; i < admitted.size(); i++) {
                while (j < admitted.size() && admitted.get(j) - admitted.get(i) < 1_000_000_000L) {
                    j++;
                }
                most = Math.max(most, j - i);
            }
            assertThat(most).as("most admissions in one second, ceiling %d", ceiling).isEqualTo(ceiling);
            // And the flood, at 3 times the ceiling, is admitted near the ceiling, not far below it (with a ceiling
            // of 1, the next admission waits for the first arrival a whole second after the last one).
            double seconds = (admitted.getLast() - admitted.getFirst()) / 1e9;
            assertThat(admitted.size() / seconds).as("admitted per second, ceiling %d", ceiling)
                    .isGreaterThan(0.8 * ceiling);
        }
    }
}
