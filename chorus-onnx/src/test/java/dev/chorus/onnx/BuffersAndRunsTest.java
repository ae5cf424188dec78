package dev.chorus.onnx;

import dev.chorus.tts.SynthesisCancelledException;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Input buffers are direct, native-order and reused; runs of one model are bounded. */
class BuffersAndRunsTest {

    private final SessionFactory sessions = SessionFactory.open("test", "test.device", SessionSettings.cpu());

    @Test
    void buffersAreDirectNativeOrderAndReused() {
        BufferPool pool = new BufferPool(2);
        for (int run = 0; run < 100; run++) {
            try (BufferPool.Buffers b = pool.acquire()) {
                LongBuffer ids = b.longs("input", new long[run + 1]);
                FloatBuffer scales = b.floats("scales", 0.5f, run, 2f);
                assertThat(ids.isDirect()).isTrue();
                assertThat(ids.order()).isEqualTo(ByteOrder.nativeOrder());
                assertThat(ids.remaining()).isEqualTo(run + 1);
                assertThat(scales.get(1)).isEqualTo(run);
            }
        }
        assertThat(pool.created()).isEqualTo(1);
        // Two at once need two sets; the pool keeps at most its bound.
        BufferPool.Buffers a = pool.acquire();
        BufferPool.Buffers b = pool.acquire();
        BufferPool.Buffers c = pool.acquire();
        a.close();
        b.close();
        c.close();
        assertThat(pool.created()).isEqualTo(3);
        assertThat(pool.idle()).isEqualTo(2);
        assertThatThrownBy(() -> c.longs("input", 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aModelRunsCorrectlyOnReusedBuffers() throws Exception {
        try (ScaleModel model = ScaleModel.load(sessions, Path.of("x.onnx"), ScaleModel.bytes(3), 2,
                new AtomicInteger())) {
            assertThat(model.run(1, 2, 3)).containsExactly(3, 6, 9);
            assertThat(model.run(new float[300])).hasSize(300).containsOnly(0);
            assertThat(model.run(-1)).containsExactly(-3);
            assertThat(model.buffers().created()).isEqualTo(1);
        }
    }

    @Test
    void noMoreThanTheLimitRunAtOnce() throws Exception {
        RunLimiter limiter = new RunLimiter("scale", 2);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                runs.add(pool.submit(() -> limiter.run(() -> {
                    release.await(10, TimeUnit.SECONDS);
                    return n;
                })));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (limiter.waiting() < 4 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(limiter.running()).isEqualTo(2);
            assertThat(limiter.waiting()).isEqualTo(4);
            release.countDown();
            for (Future<Integer> f : runs) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(limiter.peak()).isEqualTo(2);
            assertThat(limiter.running()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWaitingRunThatIsInterruptedIsCancelled() throws Exception {
        RunLimiter limiter = new RunLimiter("piper:x@3", 1);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            try {
                limiter.run(() -> {
                    holding.countDown();
                    return release.await(10, TimeUnit.SECONDS);
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        holding.await(10, TimeUnit.SECONDS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                limiter.run(() -> "ran");
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        while (limiter.waiting() == 0) {
            Thread.sleep(5);
        }
        waiter.interrupt();
        waiter.join(10_000);
        release.countDown();
        holder.join(10_000);
        assertThat(failure.get()).isInstanceOf(SynthesisCancelledException.class)
                .hasMessage("interrupted while waiting to run piper:x@3");
        assertThat(limiter.run(() -> "free again")).isEqualTo("free again");
    }
}
