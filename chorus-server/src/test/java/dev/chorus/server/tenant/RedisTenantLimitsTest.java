package dev.chorus.server.tenant;

import dev.chorus.server.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The request window kept in a real Redis: the same sliding window, atomic across replicas. */
class RedisTenantLimitsTest {

    @TempDir
    Path dir;

    @Test
    void requestsStraddlingASecondBoundaryAreHeldToTheCeilingInRedis() throws Exception {
        try (RedisServer redis = RedisServer.start(dir);
             RedisTenantLimits store = new RedisTenantLimits(redis.url())) {
            long t0 = System.nanoTime();
            assertThat(store.tryRequest("t:rps:5", 5).admitted()).isTrue();
            sleepUntil(t0, 700);
            for (int i = 0; i < 4; i++) {
                assertThat(store.tryRequest("t:rps:5", 5).remaining()).isEqualTo(3 - i);
            }
            TenantLimitStore.WindowProbe full = store.tryRequest("t:rps:5", 5);
            assertThat(full.admitted()).isFalse();
            // A place frees when the first admission leaves the window, about 0.3 s from now.
            assertThat(full.nanosToWait()).isBetween(1L, 310_000_000L);
            // Across the second's boundary of a fixed window: only the first admission has left the window.
            sleepUntil(t0, 1050);
            int admitted = 0;
            for (int i = 0; i < 5; i++) {
                admitted += store.tryRequest("t:rps:5", 5).admitted() ? 1 : 0;
            }
            assertThat(admitted).as("admitted between 1.05 s and the next 0.6 s").isEqualTo(1);
            TenantLimitStore.WindowProbe p = store.tryRequest("t:rps:5", 5);
            assertThat(p.admitted()).isFalse();
            assertThat(p.nanosToWait()).as("until the admissions of 0.7 s leave").isBetween(1L, 700_000_000L);
            sleepUntil(t0, 1800);
            assertThat(store.tryRequest("t:rps:5", 5).admitted()).isTrue();
        }
    }

    @Test
    void twoReplicasRacingForOneWindowAdmitExactlyTheCeiling() throws Exception {
        try (RedisServer redis = RedisServer.start(dir);
             RedisTenantLimits one = new RedisTenantLimits(redis.url());
             RedisTenantLimits two = new RedisTenantLimits(redis.url())) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> all = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    RedisTenantLimits s = i % 2 == 0 ? one : two;
                    Callable<Boolean> c = () -> {
                        go.await();
                        return s.tryRequest("race:rps:20", 20).admitted();
                    };
                    all.add(pool.submit(c));
                }
                go.countDown();
                int admitted = 0;
                for (Future<Boolean> f : all) {
                    admitted += f.get() ? 1 : 0;
                }
                assertThat(admitted).isEqualTo(20);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void sleepUntil(long t0, long ms) throws InterruptedException {
        long left = t0 + ms * 1_000_000L - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000L, (int) (left % 1_000_000L));
        }
    }
}
