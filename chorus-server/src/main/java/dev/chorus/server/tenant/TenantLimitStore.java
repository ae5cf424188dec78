package dev.chorus.server.tenant;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

import java.time.Duration;
import java.time.YearMonth;

/**
 * Where tenants' request windows, character buckets and monthly quota counters live: in this process
 * ({@link LocalTenantLimits}, the quota persisted in a file) or in Redis ({@link RedisTenantLimits}, behind a
 * {@link LimitStoreBreaker}), so that several replicas enforce one budget. Windows and buckets are keyed by tenant
 * and by the limit itself, so a changed limit starts afresh.
 */
interface TenantLimitStore extends AutoCloseable {

    /**
     * The answer of the request window.
     *
     * @param admitted    whether the request took a place in the window
     * @param remaining   places left in the window after this request (0 when refused)
     * @param nanosToWait when refused, the time until the oldest admission leaves the window and a place frees
     */
    record WindowProbe(boolean admitted, long remaining, long nanosToWait) {

        static WindowProbe admitted(long remaining) {
            return new WindowProbe(true, remaining, 0);
        }

        static WindowProbe refused(long nanosToWait) {
            return new WindowProbe(false, 0, Math.max(1, nanosToWait));
        }
    }

    /**
     * Takes a place for one request in the sliding one-second window {@code key} of at most {@code perSecond}
     * requests; a refused request takes nothing, so a flood is admitted at the ceiling, never below it.
     */
    WindowProbe tryRequest(String key, long perSecond);

    /** Tries to take {@code tokens} from the bucket {@code key} that {@code config} describes. */
    ConsumptionProbe tryConsume(String key, BucketConfiguration config, long tokens);

    /** Gives back {@code tokens} taken from the bucket {@code key} by a request that was refused later on. */
    void refund(String key, BucketConfiguration config, long tokens);

    /**
     * Adds {@code characters} to the tenant's use in {@code month} unless that would pass {@code limit} (0: no
     * limit); returns the use after the charge, or, when refused, {@code -1 - use} (the use stays as it was).
     */
    long chargeMonthly(String tenant, YearMonth month, long characters, long limit);

    /** Returns the characters the tenant used in {@code month}. */
    long monthlyUse(String tenant, YearMonth month);

    /** Returns where the state lives, for the start-up log. */
    String describe();

    /** Tells whether a charge may wait on something outside this process's memory (a network store, a file). */
    default boolean mayBlock() {
        return true;
    }

    @Override
    void close();

    /**
     * Returns the character bucket: it refills {@code perSecond} steadily up to {@code burst}, and a second
     * bandwidth keeps any one second from spending more than the burst plus a second's refill.
     */
    static BucketConfiguration characterBucket(long perSecond, long burst) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1))
                        .id("characters").build())
                .addLimit(Bandwidth.builder().capacity(burst + perSecond)
                        .refillIntervally(burst + perSecond, Duration.ofSeconds(1)).id("characters-per-second")
                        .build())
                .build();
    }
}
