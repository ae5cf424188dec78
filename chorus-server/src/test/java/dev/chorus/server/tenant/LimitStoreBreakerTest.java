package dev.chorus.server.tenant;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.YearMonth;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The breaker around the shared store, over a store that fails on demand and a ticker the test drives. */
class LimitStoreBreakerTest {

    private static final long MS = 1_000_000L;
    private static final YearMonth MONTH = YearMonth.of(2026, 3);

    private final AtomicLong now = new AtomicLong(5_000 * MS);
    private final FlakyStore remote = new FlakyStore(now);

    @Test
    void failClosedOpensAfterThreeFailuresThenAnswersWithoutAskingTheStoreAndProbesOnceASecond() {
        LimitStoreBreaker b = new LimitStoreBreaker(remote, OnOutage.FAIL_CLOSED, 3, Duration.ofSeconds(1), now::get);
        assertThat(b.tryRequest("t", 5).admitted()).isTrue();
        remote.down = true;
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> b.tryRequest("t", 5)).isInstanceOf(LimitStoreUnavailableException.class);
        }
        assertThat(b.state()).isEqualTo(LimitStoreBreaker.State.OPEN);
        assertThat(remote.calls.get()).isEqualTo(4);
        now.addAndGet(400 * MS);
        assertThatThrownBy(() -> b.tryRequest("t", 5)).isInstanceOfSatisfying(LimitStoreUnavailableException.class,
                e -> assertThat(e.nanosToRetry()).isEqualTo(600 * MS));
        assertThat(remote.calls.get()).as("an open breaker does not ask the store").isEqualTo(4);

        now.addAndGet(600 * MS);
        assertThatThrownBy(() -> b.tryRequest("t", 5)).isInstanceOf(LimitStoreUnavailableException.class);
        assertThat(remote.calls.get()).as("one probe").isEqualTo(5);
        assertThat(b.state()).isEqualTo(LimitStoreBreaker.State.OPEN);
        assertThatThrownBy(() -> b.tryRequest("t", 5)).isInstanceOf(LimitStoreUnavailableException.class);
        assertThat(remote.calls.get()).as("the failed probe opened it for another second").isEqualTo(5);

        remote.down = false;
        now.addAndGet(1000 * MS);
        assertThat(b.tryRequest("t", 5).admitted()).isTrue();
        assertThat(b.state()).isEqualTo(LimitStoreBreaker.State.CLOSED);
        assertThat(b.consecutiveFailures()).isZero();
        assertThat(b.timesOpened()).isEqualTo(1);
    }

    @Test
    void failuresThatAreNotConsecutiveDoNotOpenIt() {
        LimitStoreBreaker b = new LimitStoreBreaker(remote, OnOutage.FAIL_CLOSED, 3, Duration.ofSeconds(1), now::get);
        for (int i = 0; i < 10; i++) {
            remote.down = true;
            assertThat(b.monthlyUse("t", MONTH)).as("a read answers from what is known").isZero();
            assertThatThrownBy(() -> b.tryRequest("t", 5)).isInstanceOf(LimitStoreUnavailableException.class);
            remote.down = false;
            assertThat(b.tryRequest("t", 1000).admitted()).isTrue();
        }
        assertThat(b.state()).isEqualTo(LimitStoreBreaker.State.CLOSED);
    }

    @Test
    void failOpenCountsLocallyAndAddsTheMonthlyUseToTheStoreWhenItIsBack() {
        LimitStoreBreaker b = new LimitStoreBreaker(remote, OnOutage.FAIL_OPEN, 3, Duration.ofSeconds(1), now::get);
        assertThat(b.chargeMonthly("t", MONTH, 60, 100)).isEqualTo(60);
        remote.down = true;
        // The window is kept in this process meanwhile: 5 a second still.
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            admitted += b.tryRequest("t", 5).admitted() ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(5);
        // The quota is checked against the last use the store reported plus what was charged since.
        assertThat(b.chargeMonthly("t", MONTH, 30, 100)).isEqualTo(90);
        assertThat(b.chargeMonthly("t", MONTH, 20, 100)).isEqualTo(-1 - 90);
        assertThat(b.monthlyUse("t", MONTH)).isEqualTo(90);
        assertThat(b.owedCharacters()).isEqualTo(30);
        assertThat(b.answeredLocally()).isGreaterThan(0);

        remote.down = false;
        now.addAndGet(1000 * MS);
        assertThat(b.tryRequest("t", 5).admitted()).isTrue();
        assertThat(b.state()).isEqualTo(LimitStoreBreaker.State.CLOSED);
        assertThat(remote.used.get()).as("the 30 characters charged meanwhile reached the store").isEqualTo(90);
        assertThat(b.owedCharacters()).isZero();
    }

    @Test
    void aTenantWithoutAMonthlyLimitIsChargedLocallyEvenFailClosed() {
        LimitStoreBreaker b = new LimitStoreBreaker(remote, OnOutage.FAIL_CLOSED, 1, Duration.ofSeconds(1), now::get);
        remote.down = true;
        assertThat(b.chargeMonthly("t", MONTH, 7, 0)).isEqualTo(7);
        assertThatThrownBy(() -> b.chargeMonthly("t", MONTH, 7, 100))
                .isInstanceOf(LimitStoreUnavailableException.class);
        remote.down = false;
        now.addAndGet(1000 * MS);
        assertThat(b.chargeMonthly("t", MONTH, 1, 0)).isPositive();
        assertThat(remote.used.get()).as("the 7 charged meanwhile reached the store").isEqualTo(8);
    }

    /** A store whose request windows and one quota counter work until {@code down} is set. */
    private static final class FlakyStore implements TenantLimitStore {
        private final LocalTenantLimits inner;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicLong used = new AtomicLong();
        volatile boolean down;

        FlakyStore(AtomicLong now) {
            inner = new LocalTenantLimits(null, now::get);
        }

        private void check() {
            calls.incrementAndGet();
            if (down) {
                throw new IllegalStateException("connection refused");
            }
        }

        @Override
        public WindowProbe tryRequest(String key, long perSecond) {
            check();
            return inner.tryRequest(key, perSecond);
        }

        @Override
        public ConsumptionProbe tryConsume(String key, BucketConfiguration config, long tokens) {
            check();
            return inner.tryConsume(key, config, tokens);
        }

        @Override
        public void refund(String key, BucketConfiguration config, long tokens) {
            check();
        }

        @Override
        public long chargeMonthly(String tenant, YearMonth month, long characters, long limit) {
            check();
            long u = used.get();
            if (limit > 0 && u + characters > limit) {
                return -1 - u;
            }
            return used.addAndGet(characters);
        }

        @Override
        public long monthlyUse(String tenant, YearMonth month) {
            check();
            return used.get();
        }

        @Override
        public String describe() {
            return "flaky";
        }

        @Override
        public void close() {
        }
    }
}
