package dev.chorus.engine.espeak.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NativeApiTest {

    @Test
    void aCallThatNeverReturnsIsLeftBehindAfterItsLimit() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        long t0 = System.nanoTime();
        boolean done = NativeApi.callWithin(Duration.ofMillis(300), "test-stuck", never::await);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(done).isFalse();
        assertThat(ms).isBetween(250L, 5_000L);
        never.countDown();
    }

    @Test
    void aCallThatReturnsInTimeIsWaitedFor() throws Exception {
        int[] ran = new int[1];
        assertThat(NativeApi.callWithin(Duration.ofSeconds(5), "test-quick", () -> ran[0]++)).isTrue();
        assertThat(ran[0]).isEqualTo(1);
    }

    @Test
    void aCallsExceptionReachesTheCaller() {
        assertThatThrownBy(() -> NativeApi.callWithin(Duration.ofSeconds(5), "test-failing", () -> {
            throw new IllegalStateException("library said no");
        })).isInstanceOf(IllegalStateException.class).hasMessage("library said no");
    }
}
